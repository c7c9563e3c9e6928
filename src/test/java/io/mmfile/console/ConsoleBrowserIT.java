package io.mmfile.console;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.WaitForSelectorState;
import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.SecretWatch;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator console end to end in a real browser (Debian's headless Chromium through Playwright):
 * log in, create an app key, upload through saveImage with it, see the upload with its thumbnail,
 * disable the key, see the next upload refused. Screenshots go to {@code target/console-screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT {
  private static final String PASSWORD = "console-test-password-7f3a";
  private static final Path SHOTS = Paths.get("target", "console-screenshots");
  private static final Path CHROMIUM = Paths.get(System.getProperty("mmfile.test.chromium", "/usr/bin/chromium"));

  private TestServer server;
  private DaokeClient client;
  private Playwright playwright;
  private Browser browser;
  private final ListAppender<ILoggingEvent> audit = new ListAppender<>();
  private final Logger auditLogger = (Logger) LoggerFactory.getLogger("mmfile.audit");

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.EMBEDDED, new JsonObject().put("console.admin-password", PASSWORD)
      .put("metrics.store-stats-seconds", 0));
    SecretWatch.watch(PASSWORD);
    client = new DaokeClient(server.port());
    audit.start();
    auditLogger.addAppender(audit);
    playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
      .setExecutablePath(CHROMIUM)
      .setHeadless(true)
      .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync")));
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
    auditLogger.detachAppender(audit);
    client.close();
    server.close();
  }

  @Test
  void createsAKeyShowsItsUploadWithAThumbnailAndDisablesIt() {
    Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1280, 900));
    page.navigate("http://127.0.0.1:" + server.port() + "/console/");

    page.fill("#password", "not the password");
    page.click("#login");
    page.waitForFunction("() => document.getElementById('login-error').textContent.length > 0");
    assertThat(page.locator("#login-error").textContent()).contains("wrong password");

    page.fill("#password", PASSWORD);
    page.click("#login");
    page.locator("#console-view").waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE));
    page.locator("[data-testid=health-sql]").waitFor();
    assertThat(page.locator("[data-testid=health-sql]").textContent()).isEqualTo("sql UP");

    page.fill("#key-name", "browser camera");
    page.click("#create-key");
    page.locator("#secret-box").waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE));
    String appKey = page.locator("#secret-key").textContent();
    String secret = page.locator("#secret-value").textContent();
    SecretWatch.watch(secret);
    assertThat(appKey).matches("\\d{10}");
    assertThat(secret).matches("[0-9A-F]{40}");
    Locator keyRow = page.locator("tr[data-app-key='" + appKey + "']");
    keyRow.waitFor();
    assertThat(keyRow.locator("[data-testid=state]").textContent()).isEqualTo("enabled");
    page.click("#secret-done");

    AppKey created = new AppKey(appKey, secret, "browser camera", true, 0);
    HttpResponse<Buffer> saved = client.save(created, Images.photo("jpeg", 640, 480), Map.of("isStorage", "true"));
    assertThat(DaokeClient.code(saved)).isEqualTo("0");
    String fileId = DaokeClient.result(saved).getString("fileID");

    page.fill("#search", appKey);
    page.click("#search-button");
    Locator fileRow = page.locator("tr[data-file-id='" + fileId + "']");
    fileRow.waitFor();
    assertThat(fileRow.textContent()).contains(appKey, "durable");
    Locator thumbnail = fileRow.locator("td.thumb img");
    // the thumbnail is a resized variant rendered by the node, and it loaded
    page.waitForFunction("img => img.complete && img.naturalWidth > 0", thumbnail.elementHandle());
    assertThat(((Number) thumbnail.evaluate("img => img.naturalWidth")).intValue()).isBetween(1, 120);
    page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("console-upload.png")).setFullPage(true));

    keyRow.locator("[data-testid=disable]").click();
    page.waitForFunction("key => document.querySelector(`tr[data-app-key='${key}'] [data-testid=state]`)"
      + ".textContent === 'disabled'", appKey);
    HttpResponse<Buffer> refused = client.save(created, Images.png(16, 16, 3), Map.of("isStorage", "true"));
    assertThat(DaokeClient.code(refused)).isEqualTo("ME01002");
    page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("console-disabled.png")).setFullPage(true));

    List<String> audited;
    synchronized (audit.list) {
      audited = audit.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
    assertThat(audited).anySatisfy(l -> assertThat(l).contains("login refused"))
      .anySatisfy(l -> assertThat(l).startsWith("console login from"))
      .anySatisfy(l -> assertThat(l).contains("create app key: " + appKey))
      .anySatisfy(l -> assertThat(l).contains("disable app key: " + appKey));
    page.close();
  }
}
