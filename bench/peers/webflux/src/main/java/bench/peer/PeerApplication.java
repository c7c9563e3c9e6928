package bench.peer;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a user might write instead of mmfile: a plain Spring Boot WebFlux endpoint that takes the
 * saveImage multipart form, checks the sign (when a secret is configured) and the length, writes the
 * {@code mmfile} part to a new file with {@link FilePart#transferTo(Path)} and answers the same JSON
 * envelope. No database, no image sniffing, no limits beyond Spring's defaults.
 */
@SpringBootApplication
@RestController
public class PeerApplication {
  private static final MediaType JSON = MediaType.parseMediaType("application/json;charset=utf-8");
  private static final Pattern FILE_NAME = Pattern.compile("[0-9a-f]{32}\\.jpg");

  private final Path dir;
  private final String appKey;
  private final String secret;

  public PeerApplication(@Value("${peer.data-dir}") String dataDir, @Value("${peer.app-key}") String appKey,
                         @Value("${peer.secret}") String secret) throws IOException {
    this.dir = Paths.get(dataDir).toAbsolutePath();
    this.appKey = appKey;
    this.secret = secret;
    Files.createDirectories(dir);
  }

  public static void main(String[] args) {
    SpringApplication.run(PeerApplication.class, args);
  }

  @PostMapping(path = "/dfsapi/v2/saveImage", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  public Mono<ResponseEntity<String>> saveImage(ServerWebExchange exchange) {
    return exchange.getMultipartData().flatMap(parts -> {
      if (!(parts.getFirst("mmfile") instanceof FilePart file)) {
        return Mono.just(envelope("ME01023", "\"mmfile is error!\""));
      }
      String length = field(parts, "length");
      if (length == null || !length.matches("[0-9]{1,10}")) {
        return Mono.just(envelope("ME01023", "\"length is error!\""));
      }
      if (!secret.isEmpty() && !signMatches(parts)) {
        return Mono.just(envelope("ME01019", "\"sign is not match!\""));
      }
      String id = UUID.randomUUID().toString().replace("-", "");
      Path target = dir.resolve(id + ".jpg");
      return file.transferTo(target).then(Mono.fromCallable(() -> {
        long size = Files.size(target);
        if (size != Long.parseLong(length)) {
          Files.deleteIfExists(target);
          return envelope("ME01023", "\"file length is error!\"");
        }
        String host = exchange.getRequest().getHeaders().getFirst("Host");
        String url = "http://" + host + "/dfsapi/v2/gainImage?isStorage=true&group=g1&file="
          + (System.currentTimeMillis() / 1000) + ":" + id + ".jpg";
        return envelope("0", "{\"url\":\"" + url + "\",\"fileID\":\"" + id + "\",\"fileSize\":\"" + size + "\"}");
      }).subscribeOn(Schedulers.boundedElastic()));
    });
  }

  @GetMapping("/dfsapi/v2/gainImage")
  public ResponseEntity<Resource> gainImage(@RequestParam("file") String file) {
    String name = file.substring(file.indexOf(':') + 1);
    if (!FILE_NAME.matcher(name).matches()) {
      return ResponseEntity.badRequest().build();
    }
    Path path = dir.resolve(name);
    if (!Files.isRegularFile(path)) {
      return ResponseEntity.notFound().build();
    }
    return ResponseEntity.ok().contentType(MediaType.IMAGE_JPEG).body(new FileSystemResource(path));
  }

  private boolean signMatches(MultiValueMap<String, Part> parts) {
    TreeMap<String, String> signed = new TreeMap<>();
    for (String name : new String[] {"appKey", "length", "isStorage", "cacheTime"}) {
      String value = field(parts, name);
      if (value != null) {
        signed.put(name, value);
      }
    }
    if (!appKey.isEmpty() && !appKey.equals(signed.get("appKey"))) {
      return false;
    }
    signed.put("secret", secret);
    StringBuilder plain = new StringBuilder();
    signed.forEach((k, v) -> plain.append(k).append(v));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(plain.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().withUpperCase().formatHex(digest).equals(field(parts, "sign"));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String field(MultiValueMap<String, Part> parts, String name) {
    return parts.getFirst(name) instanceof FormFieldPart f ? f.value() : null;
  }

  private static ResponseEntity<String> envelope(String code, String result) {
    return ResponseEntity.ok().contentType(JSON).body("{\"ERRORCODE\":\"" + code + "\", \"RESULT\":" + result + "}");
  }
}
