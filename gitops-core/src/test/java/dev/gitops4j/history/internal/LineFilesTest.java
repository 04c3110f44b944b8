package dev.gitops4j.history.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineFilesTest {

  @TempDir Path dir;

  private record Line(String text, boolean terminated) {}

  private static List<Line> read(Path file, boolean forward) throws IOException {
    List<Line> out = new ArrayList<>();
    LineFiles.LineVisitor collect =
        (bytes, terminated) -> out.add(new Line(new String(bytes), terminated));
    if (forward) {
      LineFiles.forward(file, Long.MAX_VALUE, collect);
    } else {
      LineFiles.backward(file, Files.size(file), collect);
      Collections.reverse(out);
    }
    return out;
  }

  @Test
  void backwardIsForwardReversedForRandomFiles() throws IOException {
    Random random = new Random(42);
    for (int round = 0; round < 60; round++) {
      ByteArrayOutputStream content = new ByteArrayOutputStream();
      List<Line> expected = new ArrayList<>();
      int lines = random.nextInt(6);
      for (int i = 0; i < lines; i++) {
        // Lengths around the 64 KiB read chunk, and empty lines.
        int length = random.nextInt(4) == 0 ? 0 : random.nextInt(150_000);
        String text = String.valueOf((char) ('a' + i)).repeat(length);
        boolean terminated = i < lines - 1 || random.nextBoolean();
        if (!terminated && length == 0) {
          continue; // an empty unterminated tail is no line at all
        }
        content.writeBytes(text.getBytes());
        if (terminated) {
          content.write('\n');
        }
        expected.add(new Line(text, terminated));
      }
      Path file = dir.resolve("f" + round);
      Files.write(file, content.toByteArray());

      assertThat(read(file, true)).as("forward, round %d", round).isEqualTo(expected);
      assertThat(read(file, false)).as("backward, round %d", round).isEqualTo(expected);
    }
  }

  @Test
  void visitorCanStopEarly() throws IOException {
    Path file = dir.resolve("f");
    Files.writeString(file, "a\nb\nc\n");
    List<String> seen = new ArrayList<>();
    LineFiles.backward(
        file,
        Files.size(file),
        (bytes, terminated) -> {
          seen.add(new String(bytes));
          return seen.size() < 2;
        });
    assertThat(seen).containsExactly("c", "b");
    assertThat(LineFiles.countLines(file)).isEqualTo(3);
  }
}
