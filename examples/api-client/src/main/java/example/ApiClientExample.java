package example;

import io.mmfile.client.ApiClient;
import io.mmfile.client.ApiException;
import io.mmfile.client.api.AccountsApi;
import io.mmfile.client.api.SessionsApi;
import io.mmfile.client.model.Account;
import io.mmfile.client.model.Credentials;
import io.mmfile.client.model.Session;

/**
 * Logs in to mmfile's /api/v1 with the client generated from its OpenAPI document, reads the account
 * and logs out: {@code java -jar target/api-client.jar BASE_URL USERNAME PASSWORD}.
 */
public final class ApiClientExample {
  private ApiClientExample() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: api-client BASE_URL USERNAME PASSWORD   (BASE_URL: http://localhost:8080)");
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
      new SessionsApi(client).deleteCurrentSession();
      System.out.println("logged out");
    } catch (ApiException e) {
      // the body is an RFC 9457 problem: type, title, status, detail
      System.err.println("mmfile answered " + e.getCode() + ": " + e.getResponseBody());
      System.exit(1);
    }
  }
}
