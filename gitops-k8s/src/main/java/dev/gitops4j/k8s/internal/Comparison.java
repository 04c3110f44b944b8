package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.diff.DiffOptions;
import dev.gitops4j.diff.IgnoreRule;
import dev.gitops4j.diff.Normalizer;
import dev.gitops4j.diff.Normalizers;
import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.model.Change;
import dev.gitops4j.model.ResourceId;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** How a predicted (dry-run) or declared body is compared with the live one. */
public final class Comparison {

  /** Fields the API server sets on its own; they never count as drift. */
  public static final Normalizer SERVER_FIELDS =
      Normalizers.removeFields(
          "/metadata/managedFields",
          "/metadata/resourceVersion",
          "/metadata/uid",
          "/metadata/generation",
          "/metadata/creationTimestamp",
          "/metadata/selfLink",
          "/metadata/deletionGracePeriodSeconds",
          "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration",
          "/metadata/annotations/deployment.kubernetes.io~1revision",
          "/status");

  private final KubeTargetSettings settings;
  private final StructuralDiffer differ;

  public Comparison(KubeTargetSettings settings) {
    this.settings = settings;
    this.differ = StructuralDiffer.of(diffOptions(settings.ignoreRules()));
  }

  /**
   * The diff options of the target: server fields stripped, user ignore rules, Secrets redacted.
   */
  public static DiffOptions diffOptions(List<IgnoreRule> ignoreRules) {
    DiffOptions.Builder options = DiffOptions.custom().normalizer(SERVER_FIELDS);
    ignoreRules.forEach(options::ignore);
    return options.build();
  }

  /**
   * Changes that turn {@code live} into {@code predicted} (what a dry-run apply returned), leaving
   * out fields owned by ignored field managers.
   */
  public List<Change> predictedChanges(ResourceId id, JsonNode predicted, JsonNode live) {
    JsonNode expected = predicted;
    if (!settings.ignoredManagers().isEmpty()) {
      List<String> foreign =
          ManagedFields.ownedBy(live, m -> Globs.anyMatches(settings.ignoredManagers(), m));
      if (!foreign.isEmpty()) {
        ObjectNode copy = predicted.deepCopy();
        for (String pointer : foreign) {
          copyAt(copy, live, pointer);
        }
        expected = copy;
      }
    }
    return differ.changes(id, expected, live);
  }

  /**
   * Changes of the declared fields only, for when no dry-run result is available: {@code live} is
   * first cut down to the shape of {@code declared}, so server defaults do not show.
   */
  public List<Change> declaredChanges(ResourceId id, JsonNode declared, JsonNode live) {
    return differ.changes(id, declared, project(declared, live));
  }

  /** {@code live} restricted to the fields {@code shape} has. */
  static JsonNode project(JsonNode shape, JsonNode live) {
    if (shape == null || live == null) {
      return live;
    }
    if (shape.isObject() && live.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      Iterator<Map.Entry<String, JsonNode>> it = shape.properties().iterator();
      while (it.hasNext()) {
        String key = it.next().getKey();
        if (live.has(key)) {
          out.set(key, project(shape.get(key), live.get(key)));
        }
      }
      return out;
    }
    if (shape.isArray() && live.isArray() && shape.size() == live.size()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < live.size(); i++) {
        out.add(project(shape.get(i), live.get(i)));
      }
      return out;
    }
    return live;
  }

  /** Sets {@code target} at {@code pointer} to the value {@code source} has there, if both can. */
  private static void copyAt(ObjectNode target, JsonNode source, String pointer) {
    JsonNode value = source.at(pointer);
    if (value.isMissingNode()) {
      return;
    }
    int slash = pointer.lastIndexOf('/');
    JsonNode parent = target.at(pointer.substring(0, slash));
    String last = pointer.substring(slash + 1).replace("~1", "/").replace("~0", "~");
    if (parent.isObject()) {
      ((ObjectNode) parent).set(last, value.deepCopy());
    } else if (parent.isArray()) {
      try {
        int index = Integer.parseInt(last);
        if (index < parent.size()) {
          ((ArrayNode) parent).set(index, value.deepCopy());
        }
      } catch (NumberFormatException e) {
        // not an index: nothing to copy
      }
    }
  }
}
