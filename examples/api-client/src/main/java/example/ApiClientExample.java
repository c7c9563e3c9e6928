package example;

import io.mmfile.client.ApiClient;
import io.mmfile.client.ApiException;
import io.mmfile.client.api.AccountsApi;
import io.mmfile.client.api.FilesApi;
import io.mmfile.client.api.SessionsApi;
import io.mmfile.client.model.Account;
import io.mmfile.client.model.Credentials;
import io.mmfile.client.model.ModelFile;
import io.mmfile.client.model.Session;

import java.io.File;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Logs in to mmfile's /api/v1 with the client generated from its OpenAPI document, reads the account,
 * uploads a file, reads its metadata back and logs out:
 * {@code java -jar target/api-client.jar BASE_URL USERNAME PASSWORD FILE}.
 */
public final class ApiClientExample {
  private ApiClientExample() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: api-client BASE_URL USERNAME PASSWORD FILE   (BASE_URL: http://localhost:8080)");
      System.exit(2);
    }
    ApiClient client = new ApiClient();
    client.updateBaseUri(args[0]);
    try {
      Session session = new SessionsApi(client).createSession(new Credentials().username(args[1]).password(args[2]));
      // every later call carries the access token
      client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + session.getAccessToken()));
      Account me = new AccountsApi(client).getMe();
      System.out.println("logged in as " + me.getUsername() + " (account " + me.getId() + ")");

      File file = new File(args[3]);
      FilesApi files = new FilesApi(client);
      // multipart, part "file"; a durable file that never expires, the defaults of store and ttl_seconds
      ModelFile stored = files.createFile(file, null, null, null, null);
      String local = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file.toPath())));
      ModelFile read = files.getFile(stored.getId());
      System.out.println("uploaded " + args[3] + ": file " + read.getId() + ", " + read.getSize() + " bytes, "
        + read.getContentType() + ", " + read.getUrl());
      System.out.println(local.equals(read.getSha256()) ? "the server holds the same bytes (sha256 " + local + ")"
        : "sha256 differs: " + read.getSha256() + " here " + local);

      new SessionsApi(client).deleteCurrentSession();
      System.out.println("logged out");
    } catch (ApiException e) {
      // the body is an RFC 9457 problem: type, title, status, detail, code
      System.err.println("mmfile answered " + e.getCode() + ": " + e.getResponseBody());
      System.exit(1);
    }
  }
}
