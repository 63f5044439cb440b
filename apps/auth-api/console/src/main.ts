// The console's wiring: the API client, the login form, the three views and the hash router.
import { Api } from './api';
import { describeError } from './api-error';
import { byId } from './dom';
import { HealthView } from './health-view';
import { LoginView } from './login-view';
import { RefusalsView } from './refusals-view';
import { currentView, markCurrent, watchRoute, type ViewName } from './router';
import { SessionsView } from './sessions-view';
import { StatusLine } from './status';
import type { View } from './view';

const TITLES: Readonly<Record<ViewName, string>> = {
  sessions: 'Sessions',
  health: 'Health',
  refusals: 'Refused logins',
};

const status = new StatusLine();
const nav = byId('nav', HTMLElement);
const account = byId('account', HTMLElement);
const whoami = byId('whoami', HTMLElement);
const logoutButton = byId('logout', HTMLButtonElement);

const api = new Api((error) => endSession(`Your session ended: ${describeError(error)}`));
const login = new LoginView(api, enter);
const views: Readonly<Record<ViewName, View>> = {
  sessions: new SessionsView(api, status, () =>
    endSession('You revoked the session this console was using. Log in again.'),
  ),
  health: new HealthView(api, status),
  refusals: new RefusalsView(api, status),
};

/** Shows one view (which starts its polling) and hides the others (which stop theirs). */
function showView(name: ViewName, focus: boolean): void {
  for (const [other, view] of Object.entries(views)) {
    if (other !== name) view.hide();
  }
  views[name].show();
  markCurrent(nav, name);
  document.title = `${TITLES[name]} · sessiond console`;
  if (focus) views[name].heading.focus();
}

function enter(): void {
  login.hide();
  nav.hidden = false;
  account.hidden = false;
  whoami.textContent = api.username ?? '';
  status.clear();
  showView(currentView(), true);
}

/** Back to the login form: polling stops and what the last user saw is cleared. */
function endSession(message: string): void {
  api.forget();
  for (const view of Object.values(views)) {
    view.hide();
    view.reset();
  }
  nav.hidden = true;
  account.hidden = true;
  whoami.textContent = '';
  document.title = 'sessiond console';
  login.show(message);
}

logoutButton.addEventListener('click', () => {
  void api.logout().then(
    () => status.say('Logged out.'),
    (error: unknown) => status.say(`Logged out here; the server said ${describeError(error)}`, 'error'),
  );
  endSession('');
});

watchRoute((name) => {
  if (api.username === undefined) return;
  status.clear(); // the last view's message is not about this one
  showView(name, true);
});

login.show();
