#!/usr/bin/env python3
"""sessiond from Python 3 with requests (Debian: python3-requests).

    SESSIOND_PASSWORD=alice-demo-pw python3 sessiond_recipe.py http://127.0.0.1:8080 alice

Logs in once, makes several requests with the one token, logs out, and explains a refusal by its
problem code. The password comes from SESSIOND_PASSWORD or is prompted (never on the command line,
where other users see it); SESSIOND_TOKEN reuses a token kept from an earlier run. Exit code 0 when
done, 1 when refused or unreachable, 2 for a usage error.
"""

import getpass
import os
import sys

import requests

TOKEN_SERVICES = "/api/v1/auth/token-services"
# Token refusals that a new login cures.
LOG_IN_AGAIN = {"token_invalid", "token_revoked", "session_evicted", "session_lifetime_exceeded"}
# Above AAA_DEADLINE_MS (15 s), so a slow TACACS+ server gets its 503 rather than a client timeout.
TIMEOUT_S = (5, 30)
USAGE = "usage: sessiond_recipe.py BASE_URL USERNAME   (password: SESSIOND_PASSWORD, or prompted)"


class Problem(Exception):
    """A refusal: an RFC 9457 problem+json body whose `code` says exactly what went wrong."""

    def __init__(self, response):
        try:
            body = response.json()
        except ValueError:
            body = {}
        self.body = body if isinstance(body, dict) else {}
        self.status = response.status_code
        self.code = self.body.get("code") or f"http_{self.status}"
        self.detail = self.body.get("detail") or f"HTTP {self.status}"
        retry_after = response.headers.get("Retry-After", "")
        self.retry_after = int(retry_after) if retry_after.isdigit() else None
        super().__init__(f"{self.code}: {self.detail}")


class SessiondClient:
    """Log in once, send the token as X-auth-token on every request, log in again only when the
    token is refused, log out at the end. Share one instance rather than logging in per request:
    every login is a session, and sessions per user are limited."""

    def __init__(self, base_url, username, password, log=print):
        self.base_url = base_url.rstrip("/")
        # requests would encode str credentials as Latin-1; sessiond expects UTF-8 (RFC 7617).
        self.auth = (username.encode("utf-8"), password.encode("utf-8"))
        self.log = log
        self.http = requests.Session()  # one connection pool for every request
        self.http.headers.update({"Accept": "application/json", "User-Agent": "sessiond-python-recipe"})
        self.token = None
        self.session_id = None

    def use_token(self, saved_token):
        """Reuse a token kept from an earlier run; a refused one leads to a new login."""
        self.token, self.session_id = saved_token, None

    def login(self):
        """POST /token-services with HTTP Basic (sent with the first request): one new session."""
        response = self.http.post(self._url(TOKEN_SERVICES), auth=self.auth, timeout=TIMEOUT_S)
        if response.status_code != 200:
            raise Problem(response)
        body = response.json()
        self.token, self.session_id = body["token-id"], body["session-id"]
        return body

    def get(self, path_or_link):
        """GET a path (or a session's `link`) with the token; logs in again once if refused."""
        if self.token is None:
            self.login()
        response = self._get(path_or_link)
        if response.status_code == 401:
            problem = Problem(response)
            if problem.code in LOG_IN_AGAIN:
                self.log(f"{problem.code}: {problem.detail}; logging in again")
                self.login()
                response = self._get(path_or_link)
        if response.status_code != 200:
            raise Problem(response)
        return response.json()

    def current_session_id(self):
        """This token's session id: from the login, or from the listing for a reused token."""
        if self.session_id is None:
            for session in self.get(TOKEN_SERVICES)["items"]:
                if session.get("current"):
                    self.session_id = session["session-id"]
        return self.session_id

    def logout(self):
        """DELETE this session (204). A token that is already dead has nothing left to log out."""
        if self.token is None:
            return
        response = self.http.delete(
            self._url(f"{TOKEN_SERVICES}/{self.current_session_id()}"),
            headers={"X-auth-token": self.token},
            timeout=TIMEOUT_S,
        )
        if response.status_code != 204 and Problem(response).code not in LOG_IN_AGAIN:
            raise Problem(response)
        self.token = self.session_id = None

    def _get(self, path_or_link):
        headers = {"X-auth-token": self.token}
        return self.http.get(self._url(path_or_link), headers=headers, timeout=TIMEOUT_S)

    def _url(self, path_or_link):
        return path_or_link if path_or_link.startswith("http") else self.base_url + path_or_link


def describe(session):
    agent, used = session.get("user-agent", ""), session.get("last-access-at", "")
    return f"from {session.get('source-ip', '')} ({agent}), last used {used}"


def explain(problem, username):
    """One line per refusal, by its code: what happened and what to do."""
    retry = f"retry after {problem.retry_after} s" if problem.retry_after is not None else "retry later"
    code = problem.code
    if code == "invalid_credentials":
        # Cisco Prime's 401 #1. Never retry it: each attempt counts toward the login throttle.
        return (
            f"invalid_credentials: wrong username or password for {username}; "
            "not retrying (every attempt counts toward the login throttle)"
        )
    if code == "login_throttled":
        return (
            f"login_throttled: too many failed logins for {username} from this address; "
            f"{retry}, with the right password"
        )
    if code == "session_limit_reached":
        # Prime's 401 #2: as many live sessions as allowed. Reuse one token; log out when done.
        body = problem.body
        lines = [
            f"session_limit_reached: {username} holds {body.get('active')} live sessions "
            f"(limit {body.get('limit')}); {retry}, or log one of them out:"
        ]
        lines += [f"  {s.get('session-id', '')} {describe(s)}" for s in body.get("sessions", [])]
        return "\n".join(lines)
    if code == "aaa_unavailable":
        # Prime's 401 #3: the TACACS+ server was too slow or down. Not the user's fault: wait, retry.
        status = problem.body.get("aaa", {}).get("status", "")
        return f"aaa_unavailable: the AAA server could not answer ({status}); {retry}"
    if code == "insufficient_privilege":
        return f"insufficient_privilege: {problem.detail}"
    return f"{code} (HTTP {problem.status}): {problem.detail}"


def run(client, username):
    saved = os.environ.get("SESSIOND_TOKEN")
    if saved:
        client.use_token(saved)
        print("reusing the saved token")
    else:
        login = client.login()
        session, idle = login["session-id"], login["expiry-time"]
        print(f"logged in as {username}: session {session}, idle timeout {idle}")

    # Many requests, one token: a session is not a request nor a connection.
    sessions = client.get(TOKEN_SERVICES)["items"]
    print(f"{username} has {len(sessions)} live session(s)")
    session_id = client.current_session_id()
    mine = client.get(f"{TOKEN_SERVICES}/{session_id}")
    print(f"session {session_id}: {describe(mine)}, expires {mine.get('expires-at', '')}")

    client.logout()
    print(f"logged out: session {session_id}")


def main(argv):
    if len(argv) != 2:
        print(USAGE, file=sys.stderr)
        return 2
    base_url, username = argv
    password = os.environ.get("SESSIOND_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            print(USAGE, file=sys.stderr)
            return 2
        password = getpass.getpass(f"Password for {username}: ")
    client = SessiondClient(base_url, username, password)
    try:
        run(client, username)
    except Problem as problem:
        print(explain(problem, username), file=sys.stderr)
        return 1
    except requests.RequestException as error:
        print(f"sessiond did not answer at {base_url}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
