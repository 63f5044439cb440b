import type { Api } from './api';
import { ApiError, describeError } from './api-error';
import { byId } from './dom';

/** What a logged-in user who is not in ADMIN_USERS is told (the admin routes answer 403 forbidden). */
export const NOT_AN_ADMIN = 'This console is for the users listed in ADMIN_USERS.';

const FORBIDDEN = 'forbidden';

/**
 * The login form: POST token-services with Basic, then GET /status to learn whether the user is an
 * admin (403 forbidden: say so and log that session out again). The password field is emptied as
 * soon as the request is made; nothing keeps it.
 */
export class LoginView {
  readonly #section = byId('login', HTMLElement);
  readonly #form = byId('login-form', HTMLFormElement);
  readonly #username = byId('login-username', HTMLInputElement);
  readonly #password = byId('login-password', HTMLInputElement);
  readonly #error = byId('login-error', HTMLElement);
  readonly #submit = this.#form.querySelector<HTMLButtonElement>('button[type="submit"]');

  constructor(
    private readonly api: Api,
    private readonly onLoggedIn: () => void,
  ) {
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#logIn();
    });
  }

  /** Shows the form, with `message` (why the user is here again) if any, and focuses it. */
  show(message = ''): void {
    this.#section.hidden = false;
    this.#error.textContent = message;
    this.#password.value = '';
    (this.#username.value === '' ? this.#username : this.#password).focus();
  }

  hide(): void {
    this.#section.hidden = true;
    this.#error.textContent = '';
  }

  async #logIn(): Promise<void> {
    const username = this.#username.value;
    const password = this.#password.value;
    this.#password.value = '';
    if (username === '' || password === '') {
      this.#fail('Enter a username and a password.');
      return;
    }
    this.#busy(true);
    try {
      await this.api.login(username, password);
      await this.api.status();
      this.onLoggedIn();
    } catch (error) {
      // A session that was opened but cannot be used here is ended, not left behind.
      await this.api.logout().catch(() => undefined);
      const forbidden = error instanceof ApiError && error.code === FORBIDDEN;
      this.#fail(forbidden ? NOT_AN_ADMIN : describeError(error));
    } finally {
      this.#busy(false);
    }
  }

  #fail(message: string): void {
    this.#error.textContent = message;
    this.#password.focus();
  }

  #busy(busy: boolean): void {
    if (this.#submit !== null) this.#submit.disabled = busy;
    this.#form.setAttribute('aria-busy', String(busy));
  }
}
