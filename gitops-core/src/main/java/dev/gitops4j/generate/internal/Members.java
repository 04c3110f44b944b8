package dev.gitops4j.generate.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gitops4j.generate.Parameters;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/** How an application set records a member's parameters: a JSON object of strings. */
public final class Members {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<TreeMap<String, String>> VALUES = new TypeReference<>() {};

  private Members() {}

  public static String json(Parameters parameters) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(parameters.values()));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @throws IllegalArgumentException when {@code json} is not an object of strings
   */
  public static Parameters parse(String json) {
    try {
      Map<String, String> values = JSON.readValue(json, VALUES);
      return Parameters.of(values);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a recorded parameter set: " + e.getOriginalMessage());
    }
  }
}
