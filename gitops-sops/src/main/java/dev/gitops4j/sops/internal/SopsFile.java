package dev.gitops4j.sops.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.render.Manifest;
import dev.gitops4j.render.ManifestDecoder;
import dev.gitops4j.source.SourceFile;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA512Digest;

/**
 * One SOPS-encrypted YAML or JSON file: finds its data key, decrypts every value the file's rules
 * say is encrypted, verifies the MAC over all values and writes the plaintext back in place, so
 * lines stay where they are in Git.
 *
 * <p>Messages name files, lines and key paths, never a value.
 */
public final class SopsFile {

  /** Where a file's data key comes from. */
  @FunctionalInterface
  public interface DataKeys {
    /**
     * The 32-byte data key of a file with {@code metadata} (its {@code sops} mapping).
     *
     * @throws KeyUnavailableException saying why, without secrets
     */
    byte[] dataKey(JsonNode metadata) throws KeyUnavailableException;
  }

  /** No configured key opens the data key. */
  public static final class KeyUnavailableException extends Exception {
    public KeyUnavailableException(String message) {
      super(message);
    }
  }

  /**
   * A decrypted file.
   *
   * @param file the plaintext file, same path
   * @param documents each decrypted document, without its {@code sops} mapping
   * @param encryptedDocuments which of {@code documents} held encrypted values
   * @param values the decrypted values as text, to scrub them from messages of later steps
   */
  public record Decrypted(
      SourceFile file,
      List<JsonNode> documents,
      List<Boolean> encryptedDocuments,
      java.util.Set<String> values) {}

  private static final ManifestDecoder DECODER = ManifestDecoder.ofDefaults();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final byte[] PREFIX = EncryptedValue.PREFIX.getBytes(StandardCharsets.US_ASCII);

  private final SourceFile source;
  private final String text;
  private final List<Problem> problems = new ArrayList<>();
  // Token in the file -> literal that replaces it.
  private final Map<String, String> replacements = new HashMap<>();
  // Token in the file -> its plaintext bytes.
  private final Map<String, byte[]> plainBytes = new HashMap<>();

  private SopsFile(SourceFile source) {
    this.source = source;
    this.text = new String(source.content(), StandardCharsets.UTF_8);
  }

  /** Cheap test: only a file holding an encrypted value can be a SOPS file (the MAC always is). */
  public static boolean mayBeEncrypted(SourceFile file) {
    byte[] content = file.content();
    outer:
    for (int i = 0; i + PREFIX.length <= content.length; i++) {
      for (int j = 0; j < PREFIX.length; j++) {
        if (content[i + j] != PREFIX[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Decrypts {@code file} when it is SOPS-encrypted: YAML ({@code .yaml}, {@code .yml}) and JSON
   * ({@code .json}) documents with a {@code sops} mapping, dotenv files ({@code .env}) with {@code
   * sops_} lines, and any other file that SOPS encrypted whole (its "binary" format).
   *
   * @return null when the file is not SOPS-encrypted
   * @throws InvalidDesiredStateException naming file, line and key path of every problem
   */
  public static Decrypted decrypt(SourceFile file, DataKeys keys)
      throws InvalidDesiredStateException {
    if (!mayBeEncrypted(file)) {
      return null;
    }
    SopsFile sops = new SopsFile(file);
    if (DECODER.accepts(file)) {
      return sops.structured(keys);
    }
    return file.extension().equals("env") ? sops.dotenv(keys) : sops.binary(keys);
  }

  private Decrypted structured(DataKeys keys) throws InvalidDesiredStateException {
    List<Manifest> manifests;
    try {
      manifests = DECODER.decode(source);
    } catch (InvalidDesiredStateException e) {
      // A broken SOPS file is a problem; other unreadable files are left to whoever reads them.
      if (text.contains("lastmodified") && (text.contains("mac:") || text.contains("\"mac\""))) {
        throw e;
      }
      return null;
    }
    JsonNode metadata = null;
    for (Manifest manifest : manifests) {
      JsonNode sops = manifest.body().get("sops");
      if (sops != null && sops.isObject() && sops.has("mac")) {
        metadata = sops;
        break;
      }
    }
    if (metadata == null) {
      return null;
    }
    List<ObjectNode> bodies = new ArrayList<>();
    for (Manifest manifest : manifests) {
      if (!metadata.equals(manifest.body().get("sops"))) {
        throw new InvalidDesiredStateException(
            new Problem(
                manifest.origin(),
                "SOPS: every document of an encrypted file must carry the same sops metadata"));
      }
      ObjectNode body = manifest.body().deepCopy();
      body.remove("sops");
      bodies.add(body);
    }
    List<Boolean> encrypted = decryptValues(bodies, metadata, keys);
    List<JsonNode> documents = List.copyOf(bodies);
    return new Decrypted(
        new SourceFile(source.path(), rewrite(documents)), documents, encrypted, values());
  }

  /**
   * A dotenv file: {@code KEY=value} lines ({@code \n} stands for a newline), {@code #} comments,
   * and the metadata flattened into {@code sops_} lines ({@code sops_age__list_0__map_enc=...}).
   */
  private Decrypted dotenv(DataKeys keys) throws InvalidDesiredStateException {
    String[] lines = text.split("\n", -1);
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode metadata = JsonNodeFactory.instance.objectNode();
    List<String> keysInOrder = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new InvalidDesiredStateException(
            new Problem(Origin.of(source.path(), i + 1), "SOPS: not a KEY=value line"));
      }
      String name = line.substring(0, eq);
      String value = line.substring(eq + 1).replace("\\n", "\n");
      if (name.startsWith("sops_")) {
        unflatten(metadata, name.substring(5), value, i + 1);
      } else if (body.has(name)) {
        throw new InvalidDesiredStateException(
            new Problem(Origin.of(source.path(), i + 1), "SOPS: duplicate key " + name));
      } else {
        body.put(name, value);
        keysInOrder.add(name);
      }
    }
    if (!metadata.has("mac")) {
      return null;
    }
    decryptValues(List.of(body), metadata, keys);
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      if (line.startsWith("sops_")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (line.isEmpty() || line.startsWith("#") || eq <= 0) {
        out.append(line).append('\n');
        continue;
      }
      String name = line.substring(0, eq);
      out.append(name)
          .append('=')
          .append(body.path(name).asText().replace("\n", "\\n"))
          .append('\n');
    }
    // split(-1) gave one empty string after the last newline.
    String plain = out.length() > 0 ? out.substring(0, out.length() - 1) : "";
    return new Decrypted(
        new SourceFile(source.path(), plain.getBytes(StandardCharsets.UTF_8)),
        List.of(),
        List.of(),
        values());
  }

  /** {@code sops_} keys: {@code __list_N} indexes a list, {@code __map_K} a mapping. */
  private void unflatten(ObjectNode root, String flat, String value, int line)
      throws InvalidDesiredStateException {
    String[] segments = flat.split("__");
    JsonNode parent = root;
    Object accessor = segments[0];
    for (int s = 1; s <= segments.length; s++) {
      boolean last = s == segments.length;
      JsonNode child;
      if (last) {
        child = JsonNodeFactory.instance.textNode(value);
      } else {
        JsonNode existing =
            accessor instanceof Integer index ? parent.get(index) : parent.get((String) accessor);
        child =
            existing != null && !existing.isNull()
                ? existing
                : segments[s].startsWith("list_")
                    ? JsonNodeFactory.instance.arrayNode()
                    : JsonNodeFactory.instance.objectNode();
      }
      if (accessor instanceof Integer index && parent instanceof ArrayNode array) {
        while (array.size() <= index) {
          array.addNull();
        }
        array.set(index, child);
      } else if (accessor instanceof String name && parent instanceof ObjectNode object) {
        object.set(name, child);
      } else {
        throw new InvalidDesiredStateException(
            new Problem(
                Origin.of(source.path(), line), "SOPS: malformed metadata key sops_" + flat));
      }
      if (last) {
        return;
      }
      parent = child;
      String segment = segments[s];
      try {
        accessor =
            segment.startsWith("list_")
                ? (Object) Integer.valueOf(segment.substring(5))
                : segment.startsWith("map_") ? segment.substring(4) : null;
      } catch (NumberFormatException e) {
        accessor = null;
      }
      if (accessor == null) {
        throw new InvalidDesiredStateException(
            new Problem(
                Origin.of(source.path(), line), "SOPS: malformed metadata key sops_" + flat));
      }
    }
  }

  /** A whole file SOPS encrypted as one value: JSON {@code {"data": ENC[...], "sops": {...}}}. */
  private Decrypted binary(DataKeys keys) throws InvalidDesiredStateException {
    JsonNode tree;
    try {
      tree = JSON.readTree(source.content());
    } catch (java.io.IOException e) {
      return null;
    }
    if (tree == null
        || !tree.isObject()
        || tree.size() != 2
        || !tree.path("data").isTextual()
        || !tree.path("sops").has("mac")) {
      return null;
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.set("data", tree.get("data"));
    decryptValues(List.of(body), tree.get("sops"), keys);
    byte[] plain = plainBytes.get(tree.get("data").textValue());
    return new Decrypted(
        new SourceFile(source.path(), plain == null ? new byte[0] : plain),
        List.of(),
        List.of(),
        values());
  }

  private java.util.Set<String> values() {
    java.util.Set<String> values = new java.util.HashSet<>();
    plainBytes.values().forEach(v -> values.add(new String(v, StandardCharsets.UTF_8)));
    return java.util.Set.copyOf(values);
  }

  /**
   * Decrypts every value of {@code bodies} in place and verifies the MAC over all of them.
   *
   * @return for each body, whether it held an encrypted value
   */
  private List<Boolean> decryptValues(List<ObjectNode> bodies, JsonNode metadata, DataKeys keys)
      throws InvalidDesiredStateException {
    Origin fileOrigin = Origin.of(source.path(), 0);
    Rules rules = Rules.of(metadata, fileOrigin);
    byte[] key;
    try {
      key = keys.dataKey(metadata);
    } catch (KeyUnavailableException e) {
      throw new InvalidDesiredStateException(
          new Problem(fileOrigin, "SOPS: cannot decrypt the data key: " + e.getMessage()));
    }
    SHA512Digest mac = new SHA512Digest();
    if (rules.macOnlyEncrypted()) {
      // SOPS seeds this MAC with SHA-256("sops") so it never equals the MAC over all values.
      update(mac, sha256("sops".getBytes(StandardCharsets.US_ASCII)));
    }
    List<Boolean> encrypted = new ArrayList<>();
    for (ObjectNode body : bodies) {
      int before = replacements.size();
      walkObject(body, new ArrayList<>(), key, rules, mac);
      encrypted.add(replacements.size() > before);
    }
    if (!problems.isEmpty()) {
      throw new InvalidDesiredStateException(problems);
    }
    verifyMac(metadata, key, mac);
    return encrypted;
  }

  private void walkObject(
      ObjectNode node, List<String> path, byte[] key, Rules rules, SHA512Digest mac) {
    for (String name : iterable(node)) {
      path.add(name);
      JsonNode value = node.get(name);
      JsonNode replaced = walkValue(value, path, key, rules, mac);
      if (replaced != value) {
        node.set(name, replaced);
      }
      path.remove(path.size() - 1);
    }
  }

  private static Iterable<String> iterable(ObjectNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private JsonNode walkValue(
      JsonNode value, List<String> path, byte[] key, Rules rules, SHA512Digest mac) {
    if (value.isObject()) {
      walkObject((ObjectNode) value, path, key, rules, mac);
      return value;
    }
    if (value.isArray()) {
      ArrayNode array = (ArrayNode) value;
      // SOPS does not add list indices to a value's path.
      for (int i = 0; i < array.size(); i++) {
        JsonNode element = array.get(i);
        JsonNode replaced = walkValue(element, path, key, rules, mac);
        if (replaced != element) {
          array.set(i, replaced);
        }
      }
      return value;
    }
    boolean encrypted = rules.encrypted(path);
    if (!encrypted || value.isNull() || (value.isTextual() && value.textValue().isEmpty())) {
      if (!rules.macOnlyEncrypted() || encrypted) {
        update(mac, macBytes(value));
      }
      return value;
    }
    String pathText = String.join(":", path) + ":";
    String where = String.join(".", path);
    EncryptedValue sealed = value.isTextual() ? EncryptedValue.parse(value.textValue()) : null;
    if (sealed == null) {
      problems.add(
          new Problem(
              locate(value.isTextual() ? value.textValue() : null),
              "SOPS: value at "
                  + where
                  + " should be encrypted but is not (the file was changed after encryption)"));
      return value;
    }
    byte[] plain;
    try {
      plain = sealed.decrypt(key, pathText);
    } catch (InvalidCipherTextException e) {
      problems.add(
          new Problem(
              locate(value.textValue()),
              "SOPS: value at "
                  + where
                  + " fails authentication (tampered ciphertext, moved value or wrong data key)"));
      return value;
    }
    update(mac, plain);
    plainBytes.put(value.textValue(), plain);
    JsonNode decrypted = typed(plain, sealed.type(), where, value.textValue());
    if (decrypted != null) {
      replacements.put(value.textValue(), literal(decrypted));
    }
    return decrypted == null ? value : decrypted;
  }

  private JsonNode typed(byte[] plain, String type, String where, String token) {
    String text = new String(plain, StandardCharsets.UTF_8);
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    try {
      return switch (type) {
        case "str", "bytes" -> nodes.textNode(text);
        case "int" -> nodes.numberNode(new BigInteger(text));
        case "float" -> nodes.numberNode(Double.parseDouble(text));
        case "bool" ->
            nodes.booleanNode(
                switch (text) {
                  case "True", "true" -> true;
                  case "False", "false" -> false;
                  default -> throw new NumberFormatException();
                });
        default -> {
          problems.add(
              new Problem(locate(token), "SOPS: value at " + where + " has unknown type " + type));
          yield null;
        }
      };
    } catch (NumberFormatException e) {
      problems.add(
          new Problem(locate(token), "SOPS: value at " + where + " is not a valid " + type));
      return null;
    }
  }

  private void verifyMac(JsonNode metadata, byte[] key, SHA512Digest mac)
      throws InvalidDesiredStateException {
    Origin origin = locate(metadata.path("mac").asText(null));
    EncryptedValue sealed = EncryptedValue.parse(metadata.path("mac").asText(""));
    if (sealed == null) {
      throw new InvalidDesiredStateException(new Problem(origin, "SOPS: sops.mac is malformed"));
    }
    byte[] expected;
    try {
      expected = sealed.decrypt(key, metadata.path("lastmodified").asText(""));
    } catch (InvalidCipherTextException e) {
      throw new InvalidDesiredStateException(
          new Problem(
              origin,
              "SOPS: sops.mac fails authentication (the MAC or sops.lastmodified was changed)"));
    }
    byte[] digest = new byte[mac.getDigestSize()];
    mac.doFinal(digest, 0);
    byte[] actual =
        HexFormat.of().withUpperCase().formatHex(digest).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(actual, expected)) {
      throw new InvalidDesiredStateException(
          new Problem(
              origin, "SOPS: MAC mismatch: the file's values were changed after it was encrypted"));
    }
  }

  /** The bytes SOPS hashes for a plaintext value (Go formatting). */
  private static byte[] macBytes(JsonNode value) {
    String text;
    if (value.isTextual()) {
      text = value.textValue();
    } else if (value.isBoolean()) {
      text = value.booleanValue() ? "True" : "False";
    } else if (value.isIntegralNumber()) {
      text = value.bigIntegerValue().toString();
    } else if (value.isNumber()) {
      BigDecimal exact = new BigDecimal(Double.toString(value.doubleValue()));
      text = exact.signum() == 0 ? "0" : exact.stripTrailingZeros().toPlainString();
    } else {
      text = "";
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] sha256(byte[] input) {
    org.bouncycastle.crypto.digests.SHA256Digest digest =
        new org.bouncycastle.crypto.digests.SHA256Digest();
    digest.update(input, 0, input.length);
    byte[] out = new byte[digest.getDigestSize()];
    digest.doFinal(out, 0);
    return out;
  }

  private static void update(SHA512Digest digest, byte[] bytes) {
    digest.update(bytes, 0, bytes.length);
  }

  private static String literal(JsonNode value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON scalar", e);
    }
  }

  /** The line of {@code token} in the file (tokens are unique: each has its own IV). */
  private Origin locate(String token) {
    int at = token == null ? -1 : text.indexOf(token);
    if (at < 0) {
      return Origin.of(source.path(), 0);
    }
    int line = 1;
    for (int i = 0; i < at; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return Origin.of(source.path(), line);
  }

  private static final Pattern SOPS_KEY = Pattern.compile("^(sops|\"sops\"|'sops')\\s*:.*");

  /**
   * The plaintext file: each token replaced by its value in place and the {@code sops} blocks
   * blanked, so lines keep their numbers. When that text does not read back as exactly the
   * decrypted documents (an unusual layout), the documents are written out anew instead.
   */
  private byte[] rewrite(List<JsonNode> documents) {
    boolean json = source.extension().equals("json");
    if (!json) {
      String rewritten = blankSopsBlocks(replaceTokens(text));
      if (readsBackAs(rewritten, documents)) {
        return rewritten.getBytes(StandardCharsets.UTF_8);
      }
    }
    try {
      if (json) {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(documents.get(0));
      }
      StringBuilder out = new StringBuilder();
      for (JsonNode document : documents) {
        out.append(YAML.writeValueAsString(document));
      }
      return out.toString().getBytes(StandardCharsets.UTF_8);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write decrypted documents", e);
    }
  }

  /** One pass over the text: each decrypted token (with its quotes, if any) becomes its literal. */
  private String replaceTokens(String in) {
    StringBuilder out = new StringBuilder(in.length());
    int done = 0;
    int at = in.indexOf(EncryptedValue.PREFIX);
    while (at >= 0) {
      int close = in.indexOf(']', at);
      if (close < 0) {
        break;
      }
      String literal = replacements.get(in.substring(at, close + 1));
      int next = close + 1;
      if (literal != null) {
        int start = at;
        int end = close + 1;
        if (start > 0 && end < in.length()) {
          char before = in.charAt(start - 1);
          if ((before == '"' || before == '\'') && in.charAt(end) == before) {
            start--;
            end++;
          }
        }
        out.append(in, done, start).append(literal);
        done = end;
        next = end;
      }
      at = in.indexOf(EncryptedValue.PREFIX, next);
    }
    out.append(in, done, in.length());
    // A token not found in place is caught by the read-back check.
    return out.toString();
  }

  private static String blankSopsBlocks(String in) {
    String[] lines = in.split("\n", -1);
    boolean inBlock = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      boolean topLevel = !line.isEmpty() && !Character.isWhitespace(line.charAt(0));
      if (topLevel) {
        inBlock = SOPS_KEY.matcher(line).matches();
      }
      if (inBlock) {
        lines[i] = "";
      }
    }
    return String.join("\n", lines);
  }

  private boolean readsBackAs(String rewritten, List<JsonNode> documents) {
    try {
      List<Manifest> read =
          DECODER.decode(new SourceFile(source.path(), rewritten.getBytes(StandardCharsets.UTF_8)));
      if (read.size() != documents.size()) {
        return false;
      }
      for (int i = 0; i < read.size(); i++) {
        if (!read.get(i).body().equals(SopsFile::compareScalars, documents.get(i))) {
          return false;
        }
      }
      return true;
    } catch (InvalidDesiredStateException e) {
      return false;
    }
  }

  private static int compareScalars(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    return a.equals(b) ? 0 : 1;
  }

  /** SOPS's rules for which values are encrypted, read from the file's metadata. */
  private record Rules(
      String unencryptedSuffix,
      String encryptedSuffix,
      Pattern unencryptedRegex,
      Pattern encryptedRegex,
      boolean macOnlyEncrypted) {

    static Rules of(JsonNode metadata, Origin origin) throws InvalidDesiredStateException {
      return new Rules(
          text(metadata, "unencrypted_suffix"),
          text(metadata, "encrypted_suffix"),
          regex(metadata, "unencrypted_regex", origin),
          regex(metadata, "encrypted_regex", origin),
          goBool(metadata.path("mac_only_encrypted")));
    }

    /** As Go's strconv.ParseBool, which SOPS uses for this field in every format. */
    private static boolean goBool(JsonNode value) {
      if (value.isBoolean()) {
        return value.booleanValue();
      }
      return switch (value.asText("")) {
        case "1", "t", "T", "TRUE", "true", "True" -> true;
        default -> false;
      };
    }

    private static String text(JsonNode metadata, String field) {
      String value = metadata.path(field).asText("");
      return value.isEmpty() ? null : value;
    }

    private static Pattern regex(JsonNode metadata, String field, Origin origin)
        throws InvalidDesiredStateException {
      String value = text(metadata, field);
      if (value == null) {
        return null;
      }
      try {
        return Pattern.compile(value);
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new InvalidDesiredStateException(
            new Problem(origin, "SOPS: sops." + field + " is not a valid regular expression"));
      }
    }

    boolean encrypted(List<String> path) {
      if (unencryptedSuffix != null && path.stream().anyMatch(k -> k.endsWith(unencryptedSuffix))) {
        return false;
      }
      if (encryptedSuffix != null && path.stream().noneMatch(k -> k.endsWith(encryptedSuffix))) {
        return false;
      }
      if (unencryptedRegex != null
          && path.stream().anyMatch(k -> unencryptedRegex.matcher(k).find())) {
        return false;
      }
      return encryptedRegex == null
          || path.stream().anyMatch(k -> encryptedRegex.matcher(k).find());
    }
  }
}
