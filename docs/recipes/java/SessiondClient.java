import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A sessiond client on the JDK's HttpClient: log in once with a preemptive Basic header, send the
 * token as X-auth-token on every request, log in again only when the token is refused, log out at
 * the end. One instance (one token) serves many requests; share it rather than logging in per
 * request, because every login is a session and sessions per user are limited.
 *
 * <p>No {@code java.net.Authenticator}: HttpClient calls it only after a 401 and then retries with
 * what it returns, up to three times. With a wrong password each call becomes four failed logins
 * (which count toward the login throttle), and the caller gets an IOException ("too many
 * authentication attempts") instead of the problem+json body that says what went wrong.
 */
final class SessiondClient {
  static final String TOKEN_SERVICES = "/api/v1/auth/token-services";
  /** Token refusals that a new login cures (a session_evicted or expired one too). */
  private static final Set<String> LOG_IN_AGAIN =
      Set.of("token_invalid", "token_revoked", "session_evicted", "session_lifetime_exceeded");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(); // no .authenticator(...)
  private final String baseUrl;
  private final String basicHeader;
  private final Consumer<String> log;
  private String token;
  private String sessionId;

  SessiondClient(String baseUrl, String username, String password, Consumer<String> log) {
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    // RFC 7617 with charset="UTF-8" (what sessiond's challenge announces).
    this.basicHeader = "Basic " + Base64.getEncoder()
        .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    this.log = log;
  }

  /** Reuse a token kept from an earlier run; a refused one leads to a new login. */
  void useToken(String savedToken) {
    token = savedToken;
    sessionId = null;
  }

  /** POST /token-services with the credentials: one new session. Throws the refusal as a Problem. */
  Map<String, Object> login() throws IOException, InterruptedException, Problem {
    HttpResponse<String> response = send(request(TOKEN_SERVICES)
        .header("Authorization", basicHeader)
        .POST(HttpRequest.BodyPublishers.noBody()));
    if (response.statusCode() != 200) throw Problem.of(response);
    Map<String, Object> body = MiniJson.object(response.body());
    token = MiniJson.string(body, "token-id");
    sessionId = MiniJson.string(body, "session-id");
    return body;
  }

  /** GET a path (or a session's `link`) with the token; logs in again once if it is refused. */
  Map<String, Object> get(String pathOrLink) throws IOException, InterruptedException, Problem {
    HttpResponse<String> response = getWithToken(pathOrLink);
    if (response.statusCode() != 200) throw Problem.of(response);
    return MiniJson.object(response.body());
  }

  /** This token's session id: from the login, or from the listing for a token reused from earlier. */
  String sessionId() throws IOException, InterruptedException, Problem {
    if (sessionId == null) {
      for (Object item : MiniJson.array(get(TOKEN_SERVICES).get("items"))) {
        Map<String, Object> session = MiniJson.object(item);
        if (Boolean.TRUE.equals(session.get("current"))) sessionId = MiniJson.string(session, "session-id");
      }
    }
    return sessionId;
  }

  /** DELETE this session (204). A token that is already dead has nothing left to log out. */
  void logout() throws IOException, InterruptedException, Problem {
    if (token == null) return;
    HttpResponse<String> response = send(request(TOKEN_SERVICES + "/" + sessionId())
        .header("X-auth-token", token)
        .DELETE());
    if (response.statusCode() != 204) {
      Problem problem = Problem.of(response);
      if (!LOG_IN_AGAIN.contains(problem.code)) throw problem;
    }
    token = null;
    sessionId = null;
  }

  private HttpResponse<String> getWithToken(String pathOrLink)
      throws IOException, InterruptedException, Problem {
    if (token == null) login();
    HttpResponse<String> response = send(request(pathOrLink).header("X-auth-token", token).GET());
    if (response.statusCode() == 401) {
      Problem problem = Problem.of(response);
      if (LOG_IN_AGAIN.contains(problem.code)) {
        log.accept(problem.code + ": " + problem.detail + "; logging in again");
        login();
        response = send(request(pathOrLink).header("X-auth-token", token).GET());
      }
    }
    return response;
  }

  private HttpRequest.Builder request(String pathOrLink) {
    String url = pathOrLink.startsWith("http") ? pathOrLink : baseUrl + pathOrLink;
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30)) // above AAA_DEADLINE_MS (15 s): a slow TACACS+ gets its 503
        .header("Accept", "application/json")
        .header("User-Agent", "sessiond-java-recipe");
  }

  private HttpResponse<String> send(HttpRequest.Builder builder) throws IOException, InterruptedException {
    return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }
}
