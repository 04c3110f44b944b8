package dev.gitops4j.render.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.render.DecodeLimits;
import dev.gitops4j.render.Manifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the documents of one YAML or JSON text into manifests.
 *
 * <p>Jackson streams tokens and leaves the tree to us, on purpose: Jackson's YAML parser does not
 * expand aliases (it returns the anchor name as a string, which would silently corrupt values),
 * does not apply merge keys, and does not enforce snakeyaml's alias and depth limits, which only
 * its composer checks. Building the tree here lets us expand aliases within a budget, report
 * duplicate keys with both lines, refuse custom tags, and remember where each value came from.
 *
 * <p>An instance is thread-safe; each {@link #read} call keeps its own state.
 */
public final class DocumentReader {

  /** Value locations kept per document; enough for identity fields, bounded for huge files. */
  static final int MAX_LOCATIONS = 10_000;

  private static final String YAML_TAG_PREFIX = "tag:yaml.org,2002:";

  // Tags Jackson resolves itself with their YAML meaning; any other tag would be silently dropped.
  private static final Set<String> STANDARD_TAGS =
      Set.of("str", "int", "float", "bool", "null", "map", "seq");

  private final DecodeLimits limits;
  private final YAMLFactory yamlFactory;
  private final JsonFactory jsonFactory;

  public DocumentReader(DecodeLimits limits) {
    this.limits = limits;
    StreamReadConstraints constraints =
        StreamReadConstraints.builder()
            // Above our own limit so our check, with its clearer message, fires first.
            .maxNestingDepth(limits.maxDepth() + 2)
            .maxStringLength(limits.maxFileBytes())
            .maxDocumentLength(limits.maxFileBytes())
            .build();
    this.yamlFactory =
        YAMLFactory.builder()
            // YAML 1.2: only true/false are booleans; yes/no/on/off/y/n stay strings.
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .streamReadConstraints(constraints)
            .build();
    this.jsonFactory = JsonFactory.builder().streamReadConstraints(constraints).build();
  }

  /**
   * Decodes the bytes of {@code file}.
   *
   * @param yaml true for YAML (several documents), false for JSON (one document)
   * @return the manifests, and every problem found; manifests are only meaningful when there is no
   *     problem
   */
  public Result read(String file, byte[] bytes, boolean yaml) {
    List<Problem> problems = new ArrayList<>();
    List<Manifest> manifests = new ArrayList<>();
    try {
      if (bytes.length > limits.maxFileBytes()) {
        throw new DecodeFailure(
            StrictText.byteOrigin(file, bytes, limits.maxFileBytes()),
            "file is "
                + bytes.length
                + " bytes, more than the limit of "
                + limits.maxFileBytes()
                + " bytes (DecodeLimits.maxFileBytes); it crosses the limit at this line");
      }
      String text = StrictText.decodeUtf8(file, bytes);
      StrictText.checkCharacters(file, text, yaml);
      try (JsonParser parser =
          yaml ? yamlFactory.createParser(text) : jsonFactory.createParser(text)) {
        new FileState(file, text, parser, yaml, problems).readAll(manifests);
      }
    } catch (DecodeFailure failure) {
      problems.add(failure.problem());
    } catch (JsonProcessingException e) {
      problems.add(ParseErrors.toProblem(file, e));
    } catch (IOException e) {
      // Parsing a String performs no I/O; keep the file named anyway.
      problems.add(new Problem(new Origin(file, 1, 0), "cannot read: " + e.getMessage()));
    }
    return new Result(List.copyOf(manifests), List.copyOf(problems));
  }

  /**
   * The outcome of reading one file.
   *
   * @param manifests the documents that decoded
   * @param problems everything wrong with the file, in order of appearance
   */
  public record Result(List<Manifest> manifests, List<Problem> problems) {}

  /** An anchored value and its size, so alias expansions can be budgeted before copying. */
  private record Anchor(JsonNode node, int size, int height) {}

  /** State of reading one file. */
  private final class FileState {
    private final String file;
    private final String text;
    private final JsonParser parser;
    private final YAMLParser yamlParser;
    private final List<Problem> problems;
    private int aliases;
    private long aliasNodes;

    // Per document: YAML anchors are scoped to their document.
    private final Map<String, Anchor> anchors = new HashMap<>();
    private final Map<String, Origin> locations = new HashMap<>();

    // Code point index and char index of the last scalar looked at, to map parser offsets cheaply.
    private long codePointCursor;
    private int charCursor;

    FileState(String file, String text, JsonParser parser, boolean yaml, List<Problem> problems) {
      this.file = file;
      this.text = text;
      this.parser = parser;
      this.yamlParser = yaml ? (YAMLParser) parser : null;
      this.problems = problems;
    }

    void readAll(List<Manifest> manifests) throws IOException, DecodeFailure {
      int documents = 0;
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        Origin start = origin(parser.currentTokenLocation());
        documents++;
        if (yamlParser == null && documents > 1) {
          throw new DecodeFailure(
              start, "unexpected content after the JSON document; a .json file holds one value");
        }
        if (documents > limits.maxDocuments()) {
          throw new DecodeFailure(
              start,
              "more than "
                  + limits.maxDocuments()
                  + " documents in one file (DecodeLimits.maxDocuments)");
        }
        if (isEmptyDocument(token)) {
          continue;
        }
        if (token != JsonToken.START_OBJECT) {
          problems.add(
              new Problem(
                  start,
                  "document is "
                      + tokenDescription(token)
                      + ", not a mapping; each document must declare one resource"));
          parser.skipChildren();
          continue;
        }
        anchors.clear();
        locations.clear();
        int before = problems.size();
        JsonNode body = value("", 1);
        if (problems.size() == before) {
          manifests.add(new Manifest(start, body, locations));
        }
      }
    }

    private boolean isEmptyDocument(JsonToken token) throws IOException {
      if (token == JsonToken.VALUE_NULL) {
        return true;
      }
      // A YAML document holding only "---" or comments reads as an empty plain scalar.
      return yamlParser != null
          && token == JsonToken.VALUE_STRING
          && !yamlParser.isCurrentAlias()
          && parser.getText().isEmpty();
    }

    /** Builds the value at the current token; {@code depth} is the level it sits at. */
    private JsonNode value(String pointer, int depth) throws IOException, DecodeFailure {
      JsonToken token = parser.currentToken();
      Origin at = origin(parser.currentTokenLocation());
      if (yamlParser != null && yamlParser.isCurrentAlias()) {
        return alias(parser.getText(), at, pointer, depth);
      }
      String anchor = null;
      if (yamlParser != null) {
        anchor = token.isScalarValue() ? scalarAnchor() : yamlParser.getObjectId();
        checkTag(yamlParser.getTypeId(), at);
      }
      remember(pointer, at);
      JsonNode node =
          switch (token) {
            case START_OBJECT -> object(pointer, depth, at);
            case START_ARRAY -> array(pointer, depth, at);
            case VALUE_STRING -> JsonNodeFactory.instance.textNode(parser.getText());
            case VALUE_NUMBER_INT -> integer();
            case VALUE_NUMBER_FLOAT -> decimal(at);
            case VALUE_TRUE -> JsonNodeFactory.instance.booleanNode(true);
            case VALUE_FALSE -> JsonNodeFactory.instance.booleanNode(false);
            case VALUE_NULL -> JsonNodeFactory.instance.nullNode();
            // Only a tag (already reported) yields other scalars, such as !!binary.
            default -> JsonNodeFactory.instance.textNode(parser.getText());
          };
      if (anchor != null) {
        anchors.put(anchor, measure(node));
      }
      return node;
    }

    /**
     * The anchor of the current scalar. Jackson reports anchors of mappings and lists only, so read
     * the node's properties ({@code &anchor} and {@code !tag}, in either order) from the text at
     * the token's start, where snakeyaml places the start of a node with properties.
     */
    private String scalarAnchor() {
      long codePoint = parser.currentTokenLocation().getCharOffset();
      if (codePoint < codePointCursor) {
        codePointCursor = 0;
        charCursor = 0;
      }
      // snakeyaml counts code points; tokens arrive in order, so advance from the last one.
      int index;
      try {
        index = text.offsetByCodePoints(charCursor, (int) (codePoint - codePointCursor));
      } catch (IndexOutOfBoundsException e) {
        return null;
      }
      codePointCursor = codePoint;
      charCursor = index;
      String anchor = null;
      while (index < text.length()) {
        char c = text.charAt(index);
        if (c != '&' && c != '!') {
          break;
        }
        int end = index + 1;
        while (end < text.length() && !endsProperty(text.charAt(end))) {
          end++;
        }
        if (c == '&') {
          anchor = text.substring(index + 1, end);
        }
        index = end;
        while (index < text.length() && Character.isWhitespace(text.charAt(index))) {
          index++;
        }
      }
      return anchor;
    }

    private static boolean endsProperty(char c) {
      return Character.isWhitespace(c) || c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
    }

    private JsonNode decimal(Origin at) throws IOException {
      double value = parser.getDoubleValue();
      if (!Double.isFinite(value)) {
        problems.add(new Problem(at, "number is out of range for a 64-bit floating point value"));
      }
      return JsonNodeFactory.instance.numberNode(value);
    }

    private JsonNode integer() throws IOException {
      return switch (parser.getNumberType()) {
        case INT -> JsonNodeFactory.instance.numberNode(parser.getIntValue());
        case LONG -> JsonNodeFactory.instance.numberNode(parser.getLongValue());
        default -> JsonNodeFactory.instance.numberNode(parser.getBigIntegerValue());
      };
    }

    private ObjectNode object(String pointer, int depth, Origin at)
        throws IOException, DecodeFailure {
      checkDepth(depth, at);
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      Map<String, Origin> declared = new HashMap<>();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        Origin keyAt = origin(parser.currentTokenLocation());
        parser.nextToken();
        String childPointer = pointer + "/" + escape(key);
        // A member is located at its key: "metadata:" rather than the first line inside it.
        remember(childPointer, keyAt);
        if (key.isEmpty()) {
          problems.add(new Problem(keyAt, "empty key"));
        }
        Origin first = declared.putIfAbsent(key, keyAt);
        if (first != null) {
          problems.add(
              new Problem(
                  keyAt, "duplicate key '" + key + "' (first at line " + first.line() + ")"));
          value(childPointer, depth + 1);
          continue;
        }
        if (yamlParser != null && key.equals("<<")) {
          merge(node, declared, value(childPointer, depth + 1), keyAt);
          continue;
        }
        // set() replaces a merged value in place: explicit keys override merged ones.
        node.set(key, value(childPointer, depth + 1));
      }
      return node;
    }

    /** Applies a YAML merge key: copies keys not declared explicitly, earlier mappings first. */
    private void merge(ObjectNode node, Map<String, Origin> declared, JsonNode merged, Origin at) {
      List<JsonNode> sources = new ArrayList<>();
      if (merged.isObject()) {
        sources.add(merged);
      } else if (merged.isArray() && !merged.isEmpty()) {
        merged.forEach(sources::add);
      }
      if (sources.isEmpty() || !sources.stream().allMatch(JsonNode::isObject)) {
        problems.add(
            new Problem(
                at,
                "merge key '<<' needs a mapping or a list of mappings, got "
                    + TypeDescriptions.describe(merged)));
        return;
      }
      for (JsonNode source : sources) {
        source
            .properties()
            .iterator()
            .forEachRemaining(
                field -> {
                  if (!declared.containsKey(field.getKey()) && !node.has(field.getKey())) {
                    node.set(field.getKey(), field.getValue());
                  }
                });
      }
    }

    private ArrayNode array(String pointer, int depth, Origin at)
        throws IOException, DecodeFailure {
      checkDepth(depth, at);
      ArrayNode node = JsonNodeFactory.instance.arrayNode();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        node.add(value(pointer + "/" + node.size(), depth + 1));
      }
      return node;
    }

    private JsonNode alias(String name, Origin at, String pointer, int depth) throws DecodeFailure {
      Anchor anchor = anchors.get(name);
      if (anchor == null) {
        throw new DecodeFailure(
            at, "unknown alias '*" + name + "' (no anchor '&" + name + "' before it)");
      }
      if (++aliases > limits.maxAliases()) {
        throw new DecodeFailure(
            at,
            "more than "
                + limits.maxAliases()
                + " YAML aliases in one file (DecodeLimits.maxAliases)");
      }
      aliasNodes += anchor.size();
      if (aliasNodes > limits.maxAliasNodes()) {
        throw new DecodeFailure(
            at,
            "alias '*"
                + name
                + "' expands the file beyond "
                + limits.maxAliasNodes()
                + " values (DecodeLimits.maxAliasNodes); refusing a possible alias bomb");
      }
      // The alias sits at level depth; its deepest container lands at depth + height - 1.
      if (depth + anchor.height() - 1 > limits.maxDepth()) {
        throw new DecodeFailure(at, tooDeep());
      }
      remember(pointer, at);
      // A copy, so a consumer changing one place cannot change the other.
      return anchor.node().deepCopy();
    }

    private void checkTag(String tag, Origin at) {
      if (tag == null || tag.equals("!")) {
        return;
      }
      if (tag.startsWith(YAML_TAG_PREFIX)
          && STANDARD_TAGS.contains(tag.substring(YAML_TAG_PREFIX.length()))) {
        return;
      }
      String shown;
      if (tag.startsWith(YAML_TAG_PREFIX)) {
        shown = "!!" + tag.substring(YAML_TAG_PREFIX.length());
      } else if (tag.contains(":")) {
        shown = "!<" + tag + ">";
      } else {
        shown = tag.startsWith("!") ? tag : "!" + tag;
      }
      problems.add(
          new Problem(
              at,
              "YAML tag '"
                  + shown
                  + "' is not supported (allowed: !!str, !!int, !!float, !!bool, !!null, !!map,"
                  + " !!seq)"));
    }

    private void checkDepth(int depth, Origin at) throws DecodeFailure {
      if (depth > limits.maxDepth()) {
        throw new DecodeFailure(at, tooDeep());
      }
    }

    private String tooDeep() {
      return "nesting deeper than " + limits.maxDepth() + " levels (DecodeLimits.maxDepth)";
    }

    private void remember(String pointer, Origin at) {
      if (locations.size() < MAX_LOCATIONS) {
        locations.putIfAbsent(pointer, at);
      }
    }

    private Origin origin(JsonLocation location) {
      return new Origin(
          file, Math.max(location.getLineNr(), 0), Math.max(location.getColumnNr(), 0));
    }

    private String tokenDescription(JsonToken token) {
      return switch (token) {
        case START_ARRAY -> "a list";
        case VALUE_STRING, VALUE_EMBEDDED_OBJECT -> "a string";
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
        case VALUE_TRUE, VALUE_FALSE -> "a boolean";
        default -> "a " + token;
      };
    }
  }

  private static Anchor measure(JsonNode node) {
    int[] size = {0};
    int height = containerHeight(node, size);
    return new Anchor(node, size[0], height);
  }

  /** Levels of containers in {@code node} (0 for a scalar), counting its values into size. */
  private static int containerHeight(JsonNode node, int[] size) {
    size[0]++;
    if (!node.isContainerNode()) {
      return 0;
    }
    int deepest = 0;
    for (JsonNode child : node) {
      deepest = Math.max(deepest, containerHeight(child, size));
    }
    return deepest + 1;
  }

  /** Escapes a key for use as a JSON Pointer segment (RFC 6901). */
  static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
