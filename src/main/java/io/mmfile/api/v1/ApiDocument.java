package io.mmfile.api.v1;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI 3.1 document of {@code /api/v1} ({@code openapi/api-v1.yaml} on the class path), read once
 * per node: as the contract requests are validated against ({@link OpenAPIContract}, which also checks
 * the document against the OpenAPI schema when it is read) and as the JSON served at
 * {@code /api/v1/openapi.json}. An operation marked {@code x-mmfile-streamed: true} takes its body as a
 * stream: only its parameters are validated here, its body is the upload exchange's.
 *
 * <p>Vert.x reads a view of the document: {@code vertx-openapi} 5.0 refuses a document naming media
 * types beyond its own few ({@code application/problem+json}, {@code text/html}, {@code image/*} among
 * the refused), though it validates neither responses nor (here) streamed bodies. So the view leaves out
 * the content of every response and the request bodies of streamed operations, whose media types
 * {@link #mediaTypes} keeps; everything that is validated is as the served document says.
 */
public final class ApiDocument {
  public static final String RESOURCE = "openapi/api-v1.yaml";
  static final String STREAMED = "x-mmfile-streamed";

  private final OpenAPIContract contract;
  private final Buffer json;
  /** The request media types of each streamed operation, by operationId. */
  private final Map<String, List<String>> streamed;

  private ApiDocument(OpenAPIContract contract, Buffer json, Map<String, List<String>> streamed) {
    this.contract = contract;
    this.json = json;
    this.streamed = streamed;
  }

  /** Reads and checks the document; fails (and the node does not start) when it is not valid OpenAPI. */
  public static Future<ApiDocument> load(Vertx vertx) {
    return vertx.executeBlocking(ApiDocument::read, false).compose(raw -> {
      Buffer served = Buffer.buffer(raw.encode());
      Map<String, List<String>> streamed = new HashMap<>();
      JsonObject view = validationView(raw.copy(), streamed);
      return OpenAPIContract.from(vertx, view).map(contract -> new ApiDocument(contract, served, Map.copyOf(streamed)));
    });
  }

  /** The document as the YAML says, converted to JSON. */
  public static JsonObject read() {
    try (InputStream in = ApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      Map<String, Object> yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      return new JsonObject(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The document as Vert.x reads it (see the class comment); fills {@code streamed}. */
  private static JsonObject validationView(JsonObject view, Map<String, List<String>> streamed) {
    JsonObject paths = view.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!(item.getValue(method) instanceof JsonObject op) || !op.containsKey("responses")) {
          continue;
        }
        if (op.getBoolean(STREAMED, false)) {
          JsonObject body = op.getJsonObject("requestBody", new JsonObject());
          streamed.put(op.getString("operationId"),
            List.copyOf(body.getJsonObject("content", new JsonObject()).fieldNames()));
          op.remove("requestBody");
        }
        JsonObject responses = op.getJsonObject("responses");
        for (String status : responses.fieldNames()) {
          withoutContent(responses.getJsonObject(status));
        }
      }
    }
    JsonObject shared = view.getJsonObject("components", new JsonObject()).getJsonObject("responses", new JsonObject());
    for (String name : shared.fieldNames()) {
      withoutContent(shared.getJsonObject(name));
    }
    return view;
  }

  private static void withoutContent(JsonObject response) {
    if (response != null) {
      response.remove("content");
      response.remove("headers");
    }
  }

  public OpenAPIContract contract() {
    return contract;
  }

  /** The document as served at {@code /api/v1/openapi.json}. */
  public Buffer json() {
    return json;
  }

  /** Whether the operation takes its body as a stream (its handler reads it through the upload exchange). */
  public boolean streamed(Operation operation) {
    return streamed.containsKey(operation.getOperationId());
  }

  /** The media types a streamed operation's body may have ({@code image/*} and {@code *}{@code /*} as ranges). */
  public List<String> mediaTypes(Operation operation) {
    return streamed.getOrDefault(operation.getOperationId(), List.of());
  }
}
