package dev.gitops4j.terraform.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gitops4j.model.TargetException;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tofu/terraform executable without a shell: fixed environment for automation, a timeout
 * per command, and on cancellation an interrupt (SIGINT, which the CLI handles by finishing the
 * resource in flight and saving state) followed by a kill after a grace period.
 */
public final class BinaryRunner {

  private static final Logger LOG = LoggerFactory.getLogger(BinaryRunner.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Bound on what is kept of a command's output (plan JSON of large configurations included). */
  static final int MAX_OUTPUT = 64 * 1024 * 1024;

  private final Path binary;
  private final Map<String, String> environment;
  private final Duration timeout;
  private final Duration grace;
  private final Redactor redactor;

  /**
   * Result of one command.
   *
   * @param exit exit code
   * @param stdout standard output (for {@code -json} UI streams: the lines, redacted)
   * @param stderr standard error, redacted
   * @param messages the UI stream messages, redacted, when the command ran with {@code -json}
   */
  public record Result(int exit, String stdout, String stderr, List<JsonNode> messages) {}

  public BinaryRunner(
      Path binary, Map<String, String> environment, Duration timeout, Duration grace) {
    this.binary = binary;
    this.environment = Map.copyOf(environment);
    this.timeout = timeout;
    this.grace = grace;
    this.redactor =
        new Redactor(
            environment.entrySet().stream()
                .filter(e -> e.getKey().startsWith("TF_VAR_"))
                .map(Map.Entry::getValue)
                .toList());
  }

  /** What keeps secret values out of this CLI's messages. */
  public Redactor redactor() {
    return redactor;
  }

  public Path binary() {
    return binary;
  }

  /** Runs a command whose stdout is plain text or one JSON document. */
  public Result run(Path dir, List<String> args) throws TargetException {
    return run(dir, args, null);
  }

  /**
   * Runs a command. When {@code onMessage} is given, stdout is read as a JSON-lines UI stream and
   * each message is handed over as it arrives.
   */
  public Result run(Path dir, List<String> args, Consumer<JsonNode> onMessage)
      throws TargetException {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(args);
    String what = binary.getFileName() + " " + args.get(0);
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> env = builder.environment();
    env.putAll(environment);
    env.put("TF_IN_AUTOMATION", "1");
    env.put("TF_INPUT", "0");
    env.put("CHECKPOINT_DISABLE", "1");
    Process process;
    long started = System.nanoTime();
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new TargetException("cannot start " + binary + ": " + e.getMessage(), false, e);
    }
    LOG.debug("started {} (pid {}) in {}", what, process.pid(), dir);
    try {
      process.getOutputStream().close(); // never waits for input
    } catch (IOException e) {
      LOG.debug("cannot close the input of {}", what, e);
    }
    List<JsonNode> messages = new ArrayList<>();
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    Thread outReader =
        onMessage == null
            ? reader(process.getInputStream(), stdout, what)
            : lineReader(process.getInputStream(), stdout, messages, onMessage, what, redactor);
    Thread errReader = reader(process.getErrorStream(), stderr, what);
    boolean finished;
    try {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      stop(process, what);
      Thread.currentThread().interrupt();
      throw new TargetException(what + " was cancelled", true, e);
    }
    if (!finished) {
      stop(process, what);
      throw new TargetException(
          what + " did not finish within " + timeout.toSeconds() + " s and was stopped", true);
    }
    join(outReader);
    join(errReader);
    LOG.debug(
        "{} exited {} after {} ms",
        what,
        process.exitValue(),
        (System.nanoTime() - started) / 1_000_000);
    String out = stdout.toString(StandardCharsets.UTF_8);
    String err = redactor.redact(stderr.toString(StandardCharsets.UTF_8));
    synchronized (messages) {
      return new Result(process.exitValue(), out, err, List.copyOf(messages));
    }
  }

  /** SIGINT first so the CLI can finish the resource in flight and persist state, then a kill. */
  private void stop(Process process, String what) {
    LOG.warn("stopping {} (pid {})", what, process.pid());
    try {
      Process kill =
          new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
              .redirectErrorStream(true)
              .start();
      kill.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      process.destroy(); // SIGTERM, which the CLI treats like an interrupt
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "{} (pid {}) ignored the interrupt for {}; killing it", what, process.pid(), grace);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Thread reader(InputStream in, ByteArrayOutputStream sink, String what) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[8192];
              try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  if (sink.size() + n <= MAX_OUTPUT) {
                    sink.write(buffer, 0, n);
                  }
                }
              } catch (IOException e) {
                LOG.debug("reading output of {} stopped", what, e);
              }
            },
            "tf-output");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static Thread lineReader(
      InputStream in,
      ByteArrayOutputStream sink,
      List<JsonNode> messages,
      Consumer<JsonNode> onMessage,
      String what,
      Redactor redactor) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  JsonNode message = null;
                  if (line.startsWith("{")) {
                    try {
                      message = redactor.redact(JSON.readTree(line));
                    } catch (IOException e) {
                      message = null;
                    }
                  }
                  String kept =
                      message == null ? redactor.redact(line) : JSON.writeValueAsString(message);
                  byte[] bytes = (kept + "\n").getBytes(StandardCharsets.UTF_8);
                  if (sink.size() + bytes.length <= MAX_OUTPUT) {
                    sink.write(bytes, 0, bytes.length);
                  }
                  if (message == null) {
                    continue;
                  }
                  synchronized (messages) {
                    if (messages.size() < 100_000) {
                      messages.add(message);
                    }
                  }
                  try {
                    onMessage.accept(message);
                  } catch (RuntimeException e) {
                    LOG.warn("progress listener failed", e);
                  }
                }
              } catch (IOException e) {
                LOG.debug("reading output of {} stopped", what, e);
              }
            },
            "tf-ui-stream");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** The last lines of a failed command's output, redacted, for error messages. */
  String failureText(Result result) {
    return redactor.redact(lastLines(result.stderr() + result.stdout(), 20));
  }

  /** The last {@code count} lines of a command's output. */
  static String lastLines(String text, int count) {
    List<String> lines = text.strip().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }

  /** Environment of this CLI, for tests. */
  Map<String, String> environment() {
    return new LinkedHashMap<>(environment);
  }
}
