package dev.gitops4j.generate.internal;

import dev.gitops4j.generate.Generator;
import dev.gitops4j.generate.GeneratorException;
import dev.gitops4j.generate.Parameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The cartesian product of two generators. */
public final class MatrixGenerator implements Generator {

  private final Generator first;
  private final Generator second;

  public MatrixGenerator(Generator first, Generator second) {
    this.first = Objects.requireNonNull(first, "first");
    this.second = Objects.requireNonNull(second, "second");
  }

  @Override
  public List<Parameters> generate() throws GeneratorException {
    List<Parameters> left = first.generate();
    List<Parameters> right = second.generate();
    List<Parameters> product = new ArrayList<>(left.size() * right.size());
    for (Parameters a : left) {
      for (Parameters b : right) {
        try {
          product.add(a.with(b));
        } catch (IllegalArgumentException e) {
          throw new GeneratorException(
              "matrix of " + first + " and " + second + ": " + e.getMessage(), e);
        }
      }
    }
    return product;
  }

  @Override
  public AutoCloseable subscribe(Runnable onChange) {
    AutoCloseable a = first.subscribe(onChange);
    AutoCloseable b = second.subscribe(onChange);
    return () -> {
      try {
        a.close();
      } finally {
        b.close();
      }
    };
  }

  @Override
  public String toString() {
    return "matrix(" + first + ", " + second + ")";
  }
}
