package dev.gitops4j.terraform.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.ResourceId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The parts of {@code show -json PLANFILE} the target uses, with every sensitive value already
 * replaced by a marker: nothing secret survives parsing. The raw document is not kept.
 *
 * @param changes managed resource changes, in the CLI's order
 * @param drift changes made outside of Terraform that the refresh found
 * @param outputs root module output changes
 * @param digest SHA-256 of the redacted content (changes, drift, outputs): equal plans have equal
 *     digests, unlike plan files, which embed a timestamp
 * @param errored whether the CLI marked the plan as errored (incomplete)
 */
public record PlanView(
    List<ResourceChange> changes,
    List<ResourceChange> drift,
    List<OutputChange> outputs,
    String digest,
    boolean errored) {

  /** Resource kind used for root module outputs, so that output-only plans still apply. */
  public static final String OUTPUT_KIND = "output";

  /**
   * One resource change.
   *
   * @param address full address, e.g. {@code module.m.local_file.b[0]}
   * @param id identity: kind = resource type, scope = module path, name = name and index
   * @param actions the CLI's actions: {@code no-op}, {@code create}, {@code read}, {@code update},
   *     {@code delete}, {@code forget}, or a replace pair
   * @param before redacted value before the change, or JSON null
   * @param after redacted value after the change with unknown values marked, or JSON null
   * @param replacePaths attribute paths that force a replacement, as JSON Pointers
   */
  public record ResourceChange(
      String address,
      ResourceId id,
      List<String> actions,
      JsonNode before,
      JsonNode after,
      List<String> replacePaths) {

    public boolean isReplace() {
      return actions.contains("delete") && actions.contains("create");
    }

    /** One word for reports: create, update, delete, replace, forget, read or no-op. */
    public String action() {
      if (isReplace()) {
        return "replace";
      }
      return actions.isEmpty() ? "no-op" : actions.get(0);
    }
  }

  /**
   * One root output change.
   *
   * @param name output name
   * @param actions the CLI's actions
   * @param before redacted previous value, or JSON null
   * @param after redacted new value, or JSON null
   * @param sensitive whether the output is sensitive
   */
  public record OutputChange(
      String name, List<String> actions, JsonNode before, JsonNode after, boolean sensitive) {

    public ResourceId id() {
      return ResourceId.of(OUTPUT_KIND, name);
    }
  }

  /** Parses a {@code show -json} document, redacting as it goes. */
  public static PlanView parse(JsonNode plan) {
    List<ResourceChange> changes = resources(plan.path("resource_changes"));
    List<ResourceChange> drift = resources(plan.path("resource_drift"));
    List<OutputChange> outputs = new ArrayList<>();
    JsonNode outputChanges = plan.path("output_changes");
    for (Iterator<Map.Entry<String, JsonNode>> it = outputChanges.properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode change = entry.getValue();
      boolean sensitive =
          change.path("before_sensitive").asBoolean(false)
              || change.path("after_sensitive").asBoolean(false);
      JsonNode before =
          SensitiveValues.sensitive(change.get("before"), change.get("before_sensitive"));
      JsonNode after =
          SensitiveValues.unknown(
              SensitiveValues.sensitive(change.get("after"), change.get("after_sensitive")),
              change.get("after_unknown"));
      outputs.add(new OutputChange(entry.getKey(), actions(change), before, after, sensitive));
    }
    return of(changes, drift, outputs, plan.path("errored").asBoolean(false));
  }

  /**
   * A plan the CLI reported as changing nothing (exit code 0), read from its UI stream: every
   * refreshed managed resource is a no-op whose body holds only its id attribute, and every output
   * a no-op with an empty body. Attribute values are not read: nothing differs, so nothing would
   * show them, and reading them would cost a {@code show -json} process per in-sync pass.
   */
  public static PlanView unchanged(List<JsonNode> messages) {
    List<ResourceChange> changes = new ArrayList<>();
    List<OutputChange> outputs = new ArrayList<>();
    for (JsonNode message : messages) {
      String type = message.path("type").asText();
      if (type.equals("refresh_complete")) {
        JsonNode hook = message.path("hook");
        JsonNode resource = hook.path("resource");
        if (resource.path("resource").asText().startsWith("data.")) {
          continue; // data sources are read, never written
        }
        ObjectNode identity = JsonNodeFactory.instance.objectNode();
        identity.put("type", resource.path("resource_type").asText());
        identity.put("module_address", resource.path("module").asText(""));
        identity.put("name", resource.path("resource_name").asText());
        if (resource.has("resource_key")) {
          identity.set("index", resource.get("resource_key"));
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (hook.has("id_key")) {
          body.set(hook.path("id_key").asText(), hook.path("id_value"));
        }
        changes.add(
            new ResourceChange(
                resource.path("addr").asText(),
                id(identity),
                List.of("no-op"),
                body,
                body,
                List.of()));
      } else if (type.equals("outputs")) {
        for (Iterator<Map.Entry<String, JsonNode>> it =
                message.path("outputs").properties().iterator();
            it.hasNext(); ) {
          Map.Entry<String, JsonNode> entry = it.next();
          ObjectNode empty = JsonNodeFactory.instance.objectNode();
          outputs.add(
              new OutputChange(
                  entry.getKey(),
                  List.of("no-op"),
                  empty,
                  empty,
                  entry.getValue().path("sensitive").asBoolean(false)));
        }
      }
    }
    return of(changes, List.of(), outputs, false);
  }

  private static PlanView of(
      List<ResourceChange> changes,
      List<ResourceChange> drift,
      List<OutputChange> outputs,
      boolean errored) {
    ObjectNode content = JsonNodeFactory.instance.objectNode();
    content.set("changes", digestable(changes));
    content.set("drift", digestable(drift));
    var outs = content.putArray("outputs");
    for (OutputChange output : outputs) {
      ObjectNode node = outs.addObject();
      node.put("name", output.name());
      var actions = node.putArray("actions");
      output.actions().forEach(actions::add);
      node.set("before", output.before());
      node.set("after", output.after());
    }
    return new PlanView(
        List.copyOf(changes),
        List.copyOf(drift),
        List.copyOf(outputs),
        SensitiveValues.sha256(content),
        errored);
  }

  private static JsonNode digestable(List<ResourceChange> changes) {
    var array = JsonNodeFactory.instance.arrayNode();
    for (ResourceChange change : changes) {
      ObjectNode node = array.addObject();
      node.put("address", change.address());
      var actions = node.putArray("actions");
      change.actions().forEach(actions::add);
      node.set("before", change.before());
      node.set("after", change.after());
    }
    return array;
  }

  private static List<ResourceChange> resources(JsonNode list) {
    List<ResourceChange> out = new ArrayList<>();
    for (JsonNode resource : list) {
      if (!"managed".equals(resource.path("mode").asText("managed"))) {
        continue; // data sources are read, never written
      }
      JsonNode change = resource.path("change");
      JsonNode before =
          SensitiveValues.sensitive(change.get("before"), change.get("before_sensitive"));
      JsonNode after =
          SensitiveValues.unknown(
              SensitiveValues.sensitive(change.get("after"), change.get("after_sensitive")),
              change.get("after_unknown"));
      List<String> replacePaths = new ArrayList<>();
      for (JsonNode path : change.path("replace_paths")) {
        StringBuilder pointer = new StringBuilder();
        for (JsonNode step : path) {
          pointer.append('/').append(step.asText().replace("~", "~0").replace("/", "~1"));
        }
        replacePaths.add(pointer.toString());
      }
      out.add(
          new ResourceChange(
              resource.path("address").asText(),
              id(resource),
              actions(change),
              before,
              after,
              List.copyOf(replacePaths)));
    }
    return out;
  }

  private static List<String> actions(JsonNode change) {
    List<String> actions = new ArrayList<>();
    change.path("actions").forEach(action -> actions.add(action.asText()));
    return List.copyOf(actions);
  }

  /** kind = type, scope = module path (empty at the root), name = name plus index. */
  static ResourceId id(JsonNode resource) {
    String type = resource.path("type").asText();
    String module = resource.path("module_address").asText("");
    String name = resource.path("name").asText();
    JsonNode index = resource.get("index");
    if (index != null && !index.isNull()) {
      name += index.isNumber() ? "[" + index.asText() + "]" : "[" + index.toString() + "]";
    }
    return ResourceId.of(type, module.isEmpty() ? null : module, name);
  }

  /** The change of {@code id}, if the plan has one. */
  public ResourceChange change(ResourceId id) {
    return changes.stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
  }

  /** Whether applying this plan changes anything: a resource or an output. */
  public boolean hasChanges() {
    return changes.stream().anyMatch(c -> writes(c.actions()))
        || outputs.stream().anyMatch(o -> writes(o.actions()));
  }

  static boolean writes(List<String> actions) {
    return actions.stream().anyMatch(a -> !a.equals("no-op") && !a.equals("read"));
  }
}
