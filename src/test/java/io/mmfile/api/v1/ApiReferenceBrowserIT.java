package io.mmfile.api.v1;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.mmfile.support.Backend;
import io.mmfile.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference page of /api/v1 in a real browser (Debian's headless Chromium through Playwright): it
 * renders the document under its own Content-Security-Policy, loading nothing from anywhere but the node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiReferenceBrowserIT {
  private static final Path CHROMIUM = Paths.get(System.getProperty("mmfile.test.chromium", "/usr/bin/chromium"));

  private TestServer server;
  private Playwright playwright;
  private Browser browser;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.EMBEDDED, new JsonObject());
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
    if (server != null) {
      server.close();
    }
  }

  @Test
  void rendersTheDocumentFromThisOriginAloneWithoutAPolicyViolation() {
    String origin = "http://127.0.0.1:" + server.port();
    Page page = browser.newPage();
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    List<String> elsewhere = Collections.synchronizedList(new ArrayList<>());
    page.onConsoleMessage(m -> {
      if (m.type().equals("error")) {
        errors.add(m.text());
      }
    });
    page.onPageError(errors::add);
    page.onResponse(r -> {
      if (r.status() >= 400) {
        errors.add(r.status() + " " + r.url());
      }
    });
    page.onRequest(r -> {
      if (!r.url().startsWith(origin + "/") && !r.url().startsWith("data:")) {
        elsewhere.add(r.url());
      }
    });

    page.navigate(origin + "/api/v1/docs");
    page.locator(".swagger-ui .info .title").waitFor();

    assertThat(page.locator(".swagger-ui .info .title").textContent()).contains("mmfile API");
    page.locator(".opblock-summary-path").first().waitFor();
    assertThat(page.locator(".opblock-summary-path").allTextContents()).contains("/api/v1/files/{id}");
    assertThat(errors).as("console errors (a refused script or style would show here)").isEmpty();
    assertThat(elsewhere).as("requests to other origins").isEmpty();
  }
}
