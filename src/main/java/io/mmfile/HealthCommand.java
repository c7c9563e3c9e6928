package io.mmfile;

import io.mmfile.platform.ConfigException;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Vertx;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code mmfile health}: GETs {@code /health/ready} of the node on this machine and exits 0 when it
 * answers 200, 1 otherwise. A container health check that needs neither a shell nor curl in the image.
 * The node gives each readiness check 2 s, so the default timeout leaves room for a check that hangs.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
  description = "Exit 0 when the local node is ready (GET /health/ready answers 200), 1 otherwise.")
final class HealthCommand implements Callable<Integer> {
  @CommandLine.ParentCommand
  Main parent;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--url", description = "what to ask (default: /health/ready on this node's port over loopback)")
  String url;

  @Option(names = "--timeout-seconds", defaultValue = "5", description = "give up after this (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    URI target;
    try {
      target = URI.create(url != null ? url : localReadiness());
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("mmfile: " + e.getMessage());
      err.flush();
      return 2;
    }
    try {
      HttpClient client = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(timeoutSeconds))
        // The node's own certificate is for its public name, not for 127.0.0.1.
        .sslContext(trustingContext())
        .build();
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(target)
        .timeout(Duration.ofSeconds(timeoutSeconds)).GET().build(), HttpResponse.BodyHandlers.ofString());
      out.println(response.statusCode() + " " + response.body());
      out.flush();
      return response.statusCode() == 200 ? 0 : 1;
    } catch (Exception e) {
      err.println("mmfile: " + target + " does not answer: " + e);
      err.flush();
      return 1;
    }
  }

  private String localReadiness() {
    Vertx vertx = Vertx.vertx();
    try {
      MmfileConfig.Http http = Main.loadConfig(vertx, parent.configFile).http();
      String host = http.host().equals("0.0.0.0") || http.host().equals("::") ? "127.0.0.1" : http.host();
      return (http.tls() ? "https" : "http") + "://" + host + ":" + http.port() + "/health/ready";
    } finally {
      vertx.close();
    }
  }

  private static SSLContext trustingContext() throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    return context;
  }
}
