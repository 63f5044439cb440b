import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A refusal from sessiond: an RFC 9457 problem+json body whose {@code code} says exactly what went
 * wrong (README, "Errors and troubleshooting"). Switch on {@link #code}, never on the status alone:
 * a 401 may be a wrong password or a dead token, a 429 a throttle or the session limit.
 */
final class Problem extends Exception {
  private static final long serialVersionUID = 1L;

  final int status;
  final String code;
  final String detail;
  /** The whole body, for the members of each code (sessions, aaa, limit, ...). */
  final Map<String, Object> body;
  /** Seconds from the Retry-After header (429 and 503 carry it). */
  final OptionalLong retryAfterSeconds;

  private Problem(int status, String code, String detail, Map<String, Object> body, OptionalLong retryAfter) {
    super(code + ": " + detail);
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.body = body;
    this.retryAfterSeconds = retryAfter;
  }

  static Problem of(HttpResponse<String> response) {
    Map<String, Object> body = MiniJson.object(response.body());
    String code = MiniJson.string(body, "code");
    String detail = MiniJson.string(body, "detail");
    OptionalLong retryAfter = response.headers().firstValue("Retry-After")
        .filter(value -> value.matches("\\d+"))
        .map(value -> OptionalLong.of(Long.parseLong(value)))
        .orElse(OptionalLong.empty());
    return new Problem(
        response.statusCode(),
        code.isEmpty() ? "http_" + response.statusCode() : code,
        detail.isEmpty() ? "HTTP " + response.statusCode() : detail,
        body,
        retryAfter);
  }

  /** The sessions a session_limit_reached answer lists (each with session-id, source-ip, ...). */
  List<Map<String, Object>> sessions() {
    return MiniJson.array(body.get("sessions")).stream().map(MiniJson::object).toList();
  }

  /** How the AAA server failed for aaa_unavailable: timeout, unreachable or error. */
  String aaaStatus() {
    return MiniJson.string(MiniJson.object(body.get("aaa")), "status");
  }
}
