import { h } from './dom';

export interface ConfirmOptions {
  /** The text of the confirming button ("Yes, revoke"), read when the step opens. */
  readonly label: () => string;
  /** Its accessible name, saying what is confirmed ("Confirm: revoke session …1a2b3c4d"). */
  readonly description: () => string;
  /** Runs on confirmation; the step closes when it settles. */
  readonly action: () => Promise<void>;
  /** An id for the confirming button, when tests or labels need one. */
  readonly confirmId?: string;
}

/**
 * A destructive button's inline confirm step (instead of window.confirm, which blocks the page and
 * cannot be styled): clicking `trigger` hides it and shows `button.confirm` and `button.cancel` in
 * its place, focus on the confirmation; Cancel or Escape puts the trigger back.
 */
export function withConfirm(trigger: HTMLButtonElement, options: ConfirmOptions): void {
  trigger.addEventListener('click', () => {
    const confirm = h('button', {
      className: 'confirm danger',
      text: options.label(),
      attrs: {
        type: 'button',
        'aria-label': options.description(),
        ...(options.confirmId !== undefined ? { id: options.confirmId } : {}),
      },
    });
    const cancel = h('button', { className: 'cancel', text: 'Cancel', attrs: { type: 'button' } });
    const step = h('span', { className: 'confirm-step' }, confirm, cancel);
    const close = (refocus: boolean): void => {
      step.remove();
      trigger.hidden = false;
      if (refocus && trigger.isConnected) trigger.focus();
    };
    confirm.addEventListener('click', () => {
      confirm.disabled = true;
      cancel.disabled = true;
      // The action may move focus itself (its row may be gone); if focus is lost, back to the trigger.
      void options.action().finally(() => {
        const lost = document.activeElement === null || document.activeElement === document.body;
        close(lost || step.contains(document.activeElement));
      });
    });
    cancel.addEventListener('click', () => close(true));
    step.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') close(true);
    });
    trigger.hidden = true;
    trigger.after(step);
    confirm.focus();
  });
}
