import java.io.Console;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * sessiond from Java 17 with the JDK alone:
 *
 * <pre>
 *   javac -d /tmp/sessiond-java-recipe docs/recipes/java/*.java
 *   SESSIOND_PASSWORD=alice-demo-pw java -cp /tmp/sessiond-java-recipe SessiondRecipe http://127.0.0.1:8080 alice
 * </pre>
 *
 * Logs in once, makes several requests with the one token, logs out, and explains a refusal by its
 * problem code. The password comes from SESSIOND_PASSWORD or is prompted (never on the command line,
 * where other users see it); SESSIOND_TOKEN reuses a token kept from an earlier run. Exit code 0 when
 * done, 1 when refused or unreachable, 2 for a usage error.
 */
public final class SessiondRecipe {
  private static final String USAGE =
      "usage: java SessiondRecipe BASE_URL USERNAME   (password: SESSIOND_PASSWORD, or prompted)";

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) exit(2, USAGE);
    String baseUrl = args[0];
    String username = args[1];
    String password = System.getenv("SESSIOND_PASSWORD");
    if (password == null) {
      Console console = System.console();
      if (console == null) exit(2, USAGE);
      password = new String(console.readPassword("Password for %s: ", username));
    }
    SessiondClient client = new SessiondClient(baseUrl, username, password, System.out::println);
    try {
      run(client, username);
    } catch (Problem problem) {
      exit(1, explain(problem, username));
    } catch (IOException e) {
      exit(1, "sessiond did not answer at " + baseUrl + ": " + e);
    }
  }

  private static void run(SessiondClient client, String username)
      throws IOException, InterruptedException, Problem {
    String saved = System.getenv("SESSIOND_TOKEN");
    if (saved != null && !saved.isEmpty()) {
      client.useToken(saved);
      System.out.println("reusing the saved token");
    } else {
      Map<String, Object> login = client.login();
      System.out.println("logged in as " + username + ": session " + MiniJson.string(login, "session-id")
          + ", idle timeout " + MiniJson.string(login, "expiry-time"));
    }

    // Many requests, one token: a session is not a request nor a connection.
    List<Object> sessions = MiniJson.array(client.get(SessiondClient.TOKEN_SERVICES).get("items"));
    System.out.println(username + " has " + sessions.size() + " live session(s)");
    String sessionId = client.sessionId();
    Map<String, Object> mine = client.get(SessiondClient.TOKEN_SERVICES + "/" + sessionId);
    System.out.println("session " + sessionId + ": " + describe(mine) + ", expires "
        + MiniJson.string(mine, "expires-at"));

    client.logout();
    System.out.println("logged out: session " + sessionId);
  }

  /** One line per refusal, by its code: what happened and what to do. */
  static String explain(Problem problem, String username) {
    String retry = problem.retryAfterSeconds.isPresent()
        ? "retry after " + problem.retryAfterSeconds.getAsLong() + " s"
        : "retry later";
    return switch (problem.code) {
      // Cisco Prime's 401 #1. Never retry it: each attempt counts toward the login throttle.
      case "invalid_credentials" -> "invalid_credentials: wrong username or password for " + username
          + "; not retrying (every attempt counts toward the login throttle)";
      case "login_throttled" -> "login_throttled: too many failed logins for " + username
          + " from this address; " + retry + ", with the right password";
      // Prime's 401 #2: as many live sessions as allowed. Reuse one token; log out when done.
      case "session_limit_reached" -> {
        StringBuilder out = new StringBuilder("session_limit_reached: " + username + " holds "
            + problem.body.get("active") + " live sessions (limit " + problem.body.get("limit") + "); "
            + retry + ", or log one of them out:");
        for (Map<String, Object> session : problem.sessions()) {
          out.append("\n  ").append(MiniJson.string(session, "session-id")).append(' ').append(describe(session));
        }
        yield out.toString();
      }
      // Prime's 401 #3: the TACACS+ server was too slow or down. Not the user's fault: wait, retry.
      case "aaa_unavailable" -> "aaa_unavailable: the AAA server could not answer ("
          + problem.aaaStatus() + "); " + retry;
      case "insufficient_privilege" -> "insufficient_privilege: " + problem.detail;
      default -> problem.code + " (HTTP " + problem.status + "): " + problem.detail;
    };
  }

  private static String describe(Map<String, Object> session) {
    return "from " + MiniJson.string(session, "source-ip") + " (" + MiniJson.string(session, "user-agent")
        + "), last used " + MiniJson.string(session, "last-access-at");
  }

  private static void exit(int code, String message) {
    System.err.println(message);
    System.exit(code);
  }
}
