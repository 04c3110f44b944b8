package dev.gitops4j.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.JsonLinesHistoryStore;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.Testbed;
import dev.gitops4j.vm.VmTarget;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium, served by the JDK HttpServer, over an engine whose
 * applications reconcile real files on disk (the VM target's local transport): the list, the diff
 * of a hand edit arriving by a live update, an approval refused to one principal and done by
 * another, and a forged cross-origin request refused by the CSRF check. Screenshots go to {@code
 * target/screenshots/}.
 */
class DashboardBrowserIT {

  private static final String ALICE = "alice-token-0123456789";
  private static final String BOB = "bob-token-0123456789ab";
  private static final Path SCREENSHOTS = Paths.get("target", "screenshots");
  private static final String CONFIG =
      """
      resources:
        - directory: /etc/web
          mode: "0755"
        - file: /etc/web/app.conf
          content: |
            listen=8080
            workers=4
          mode: "0644"
      """;

  @TempDir Path tmp;
  private VmTarget webHost;
  private VmTarget cacheHost;
  private JsonLinesHistoryStore history;
  private Engine engine;
  private Dashboard dashboard;
  private HttpServer server;
  private HttpServer evil;
  private ExecutorService serverThreads;
  private ChromeDriver browser;
  private String base;

  @BeforeEach
  void setUp() throws Exception {
    Testbed testbed = Testbed.get();
    InMemorySource source = InMemorySource.create();
    source.commit(Map.of("host.yaml", CONFIG), "web and cache hosts");
    webHost = VmTarget.local(Files.createDirectories(tmp.resolve("web-root")));
    cacheHost = VmTarget.local(Files.createDirectories(tmp.resolve("cache-root")));
    history = JsonLinesHistoryStore.open(tmp.resolve("history.jsonl"));
    DashboardListener live = DashboardListener.create();
    engine =
        Engine.builder()
            .application(app("web", source, webHost, SyncPolicy.manualApproval()))
            .application(app("cache", source, cacheHost, SyncPolicy.automatic()))
            .history(history)
            .listener(live)
            .build();
    engine.start();
    assertThat(engine.trigger("cache").get(30, TimeUnit.SECONDS).status())
        .isIn(PassStatus.SYNCED, PassStatus.IN_SYNC);
    PassResult first = awaitStatus("web", PassStatus.AWAITING_APPROVAL);
    assertThat(engine.approve("web", first.planId()).get(30, TimeUnit.SECONDS).status())
        .isEqualTo(PassStatus.SYNCED);

    dashboard =
        Dashboard.builder(engine, live)
            .history(history)
            .authenticator(
                Authenticator.bearerTokens(
                    Map.of(ALICE, Principal.of("alice", "ops"), BOB, Principal.of("bob", "dev"))))
            .authorizer(
                Authorizer.rules()
                    .grantRole("ops", "*", Action.values())
                    .grantRole("dev", "*", Action.SYNC)
                    .build())
            .enableActions()
            .build();
    serverThreads = Executors.newFixedThreadPool(4);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(serverThreads);
    dashboard.mount(server, "/gitops");
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort() + "/gitops";

    ChromeOptions options = new ChromeOptions();
    options.setBinary(testbed.chromium().toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + tmp.resolve("chromium-profile"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(testbed.chromedriver().toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    browser.manage().window().setSize(new Dimension(1280, 1000));
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (evil != null) {
      evil.stop(0);
    }
    if (server != null) {
      server.stop(0);
    }
    if (serverThreads != null) {
      serverThreads.shutdownNow();
    }
    if (dashboard != null) {
      dashboard.close();
    }
    if (engine != null) {
      engine.close();
    }
    if (history != null) {
      history.close();
    }
    if (webHost != null) {
      webHost.close();
    }
    if (cacheHost != null) {
      cacheHost.close();
    }
  }

  @Test
  void listDiffApprovalAuthorisationAndCsrfInARealBrowser() throws Exception {
    Path conf = tmp.resolve("web-root/etc/web/app.conf");
    assertThat(Files.readString(conf)).isEqualTo("listen=8080\nworkers=4\n");

    // The list of applications.
    browser.get(base + "/");
    waitForText(By.id("live"), "Live");
    List<WebElement> rows = browser.findElements(By.cssSelector("table.apps tbody tr"));
    assertThat(rows).extracting(r -> r.getAttribute("data-app")).containsExactly("cache", "web");
    // "cache" had the started engine's first pass and the trigger above: whichever came last
    // wrote (Synced) or found nothing to do (In sync).
    assertThat(rows)
        .allSatisfy(
            r -> {
              assertThat(r.getText()).contains("Healthy");
              assertThat(r.getText()).containsAnyOf("Synced", "In sync");
            });
    assertThat(rows.get(1).getText()).as("web, approved").contains("Synced");
    waitForText(By.id("live"), "Live");
    screenshot("01-applications");

    // A hand edit on the host; the next pass finds it and the open page updates itself.
    browser.get(base + "/apps/web");
    assertThat(browser.findElement(By.id("no-drift")).getText())
        .isEqualTo("Live state matches the revision.");
    waitForText(By.id("live"), "Live");
    Files.writeString(conf, "listen=9090\nworkers=64\n");
    Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-rw-rw-"));
    PassResult drifted = engine.trigger("web").get(30, TimeUnit.SECONDS);
    assertThat(drifted.status()).isEqualTo(PassStatus.AWAITING_APPROVAL);
    WebElement diff = wait(20).until(ExpectedConditions.presenceOfElementLocated(By.id("diff")));
    assertThat(diff.getText())
        .contains("--- live/file localhost//etc/web/app.conf")
        .contains("mode: \"0666\"", "mode: \"0644\"", "sha256")
        .doesNotContain("listen=9090", "workers=64");
    assertThat(browser.findElement(By.cssSelector(".title .badge")).getText())
        .isEqualTo("Awaiting approval");
    screenshot("02-drift");

    // Bob may sync but not approve: the button is disabled and the server refuses the request.
    signIn(BOB);
    WebElement approve = browser.findElement(By.id("action-approve"));
    assertThat(approve.isEnabled()).isFalse();
    assertThat(approve.getAttribute("title")).isEqualTo("bob is not allowed to approve web");
    ((JavascriptExecutor) browser).executeScript("arguments[0].disabled = false;", approve);
    approve.click();
    assertThat(waitForText(By.id("error"), "403").getText())
        .contains("bob is not allowed to approve web");
    screenshot("03-approve-refused");
    assertThat(Files.readString(conf)).isEqualTo("listen=9090\nworkers=64\n");

    // A page of another origin posts the approval while alice is signed in: no CSRF token.
    browser.findElement(By.id("sign-out")).click();
    signIn(ALICE);
    startEvilSite(drifted.planId());
    browser.get("http://127.0.0.1:" + evil.getAddress().getPort() + "/");
    browser.findElement(By.id("win")).click();
    assertThat(waitForText(By.id("error"), "CSRF").getText())
        .contains("no valid CSRF token for this session");
    screenshot("04-csrf-refused");
    assertThat(Files.readString(conf)).isEqualTo("listen=9090\nworkers=64\n");
    assertThat(engine.lastResult("web").orElseThrow().status())
        .isEqualTo(PassStatus.AWAITING_APPROVAL);
    assertThat(actionRecords()).isEmpty();

    // Alice approves from the page: the plan is applied and the history names her.
    browser.get(base + "/apps/web");
    waitForText(By.id("live"), "Live");
    browser.findElement(By.id("action-approve")).click();
    assertThat(waitForText(By.id("notice"), "approved").getText())
        .isEqualTo("Plan approved by alice.");
    waitForText(By.cssSelector(".title .badge"), "Synced");
    assertThat(Files.readString(conf)).isEqualTo("listen=8080\nworkers=4\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)))
        .isEqualTo("rw-r--r--");
    assertThat(actionRecords()).containsExactly("alice: approve plan " + drifted.planId());
    String historyText = browser.findElement(By.id("history")).getText();
    assertThat(historyText).contains("alice", "approve plan " + drifted.planId().substring(0, 12));
    assertThat(browser.findElement(By.id("chain")).getText()).startsWith("✓ Hash chain intact");
    ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
    screenshot("05-approved");
  }

  private Application app(String name, InMemorySource source, VmTarget host, SyncPolicy policy) {
    return Application.builder(name)
        .source(source)
        .target(host.target("localhost"))
        .policy(policy)
        .interval(Duration.ofHours(1))
        .build();
  }

  private PassResult awaitStatus(String app, PassStatus status) throws Exception {
    for (int i = 0; i < 3; i++) {
      PassResult result = engine.trigger(app).get(30, TimeUnit.SECONDS);
      if (result.status() == status) {
        return result;
      }
    }
    throw new AssertionError(app + " never reached " + status);
  }

  private void signIn(String token) {
    WebElement field = browser.findElement(By.id("token"));
    field.sendKeys(token);
    browser.findElement(By.id("sign-in")).click();
    wait(10).until(ExpectedConditions.presenceOfElementLocated(By.id("principal")));
    waitForText(By.id("live"), "Live");
  }

  /** A page on another port with a form aimed at the dashboard's approve endpoint. */
  private void startEvilSite(String planId) throws Exception {
    evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String page =
        "<!doctype html><html><body><h1>You won a prize</h1><form method=\"post\" action=\""
            + base
            + "/apps/web/approve\"><input type=\"hidden\" name=\"planId\" value=\""
            + planId
            + "\"><button id=\"win\">Claim it</button></form></body></html>";
    evil.createContext(
        "/",
        exchange -> {
          byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    evil.start();
  }

  private List<String> actionRecords() throws Exception {
    return history.list("web", 100).stream()
        .filter(r -> r.status().equals("ACTION"))
        .map((HistoryRecord r) -> r.author() + ": " + r.planSummary())
        .toList();
  }

  private WebDriverWait wait(int seconds) {
    return new WebDriverWait(browser, Duration.ofSeconds(seconds));
  }

  private WebElement waitForText(By by, String text) {
    wait(20).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    return browser.findElement(by);
  }

  /** The whole page: the window grows to the page's height for the shot, then shrinks back. */
  private void screenshot(String name) throws Exception {
    Number height =
        (Number)
            ((JavascriptExecutor) browser)
                .executeScript("return document.documentElement.scrollHeight");
    browser.manage().window().setSize(new Dimension(1280, Math.min(height.intValue(), 3000)));
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    browser.manage().window().setSize(new Dimension(1280, 1000));
  }
}
