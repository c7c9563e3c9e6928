package io.mmfile.api.v1;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document of /api/v1 is valid OpenAPI 3.1, by a standard validator and by Vert.x's. */
class ApiDocumentTest {
  @Test
  void swaggerParserReadsItWithoutAMessage() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setValidateInternalRefs(true);
    SwaggerParseResult result = new OpenAPIParser().readContents(ApiDocument.read().encode(), null, options);

    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI()).isNotNull();
    assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
  }

  @Test
  void swaggerParserWouldReportABrokenDocument() {
    JsonObject broken = ApiDocument.read();
    broken.getJsonObject("paths").getJsonObject("/api/v1/files/{id}").getJsonObject("get")
      .getJsonObject("responses").getJsonObject("200").getJsonObject("content").getJsonObject("application/json")
      .put("schema", new JsonObject().put("$ref", "#/components/schemas/NoSuchSchema"));
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setValidateInternalRefs(true);

    assertThat(new OpenAPIParser().readContents(broken.encode(), null, options).getMessages()).isNotEmpty();
  }

  @Test
  void vertxReadsItAsAContract() {
    Vertx vertx = Vertx.vertx();
    try {
      ApiDocument document = await(ApiDocument.load(vertx));
      assertThat(document.contract().operations()).isNotEmpty();
    } finally {
      vertx.close();
    }
  }

  @Test
  void operationIdsAreUniqueAndEveryOperationSaysWhatItAnswersOnError() {
    JsonObject paths = ApiDocument.read().getJsonObject("paths");
    Set<String> ids = new HashSet<>();
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject op && op.containsKey("responses")) {
          assertThat(ids.add(op.getString("operationId"))).as(method + " " + path).isTrue();
          assertThat(op.getJsonObject("responses").containsKey("default")).as(method + " " + path + " default").isTrue();
        }
      }
    }
  }
}
