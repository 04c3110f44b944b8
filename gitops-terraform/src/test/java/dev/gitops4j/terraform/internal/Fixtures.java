package dev.gitops4j.terraform.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

final class Fixtures {
  static final String SECRET_VARIABLE = "hunter2-topsecret";
  static final String RANDOM_PASSWORD = "Eb%qmWBx{V_aMuI8";

  private Fixtures() {}

  static JsonNode plan(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/terraform/" + name)) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
