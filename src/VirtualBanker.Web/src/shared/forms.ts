// Forms that tell people what is wrong in words, beside the field, and dialogs that ask before
// anything is destroyed. The browser's own checks (required, min, max, maxlength, type, pattern)
// decide what is wrong; the messages are ours, so no page says "Please match the requested format".
import { h } from './dom';

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

let nextId = 0;

/** A labelled control with a hint and an error line that screen readers read with it. */
export function field(label: string, control: Control, hint?: string): HTMLElement {
  control.id ||= `field-${++nextId}`;
  control.dataset.label = label;
  const error = h('small', { class: 'field-error', id: `${control.id}-error`, 'aria-live': 'polite' });
  const help = hint ? h('small', { class: 'muted', id: `${control.id}-hint` }, hint) : null;
  control.setAttribute('aria-describedby', [help?.id, error.id].filter(Boolean).join(' '));
  const check = control instanceof HTMLInputElement && control.type === 'checkbox';
  return h('div', { class: 'field' },
    check ? h('label', { class: 'check', for: control.id }, control, label) : h('label', { for: control.id }, label),
    check ? null : control, help, error);
}

/** What is wrong with a control's value, said about its label; null when nothing is. */
function problem(control: Control): string | null {
  const v = control.validity;
  const label = control.dataset.label ?? control.name;
  if (v.valid || control.disabled) return null;
  if (v.customError) return control.validationMessage;
  if (v.valueMissing) return `${label} is required.`;
  if (v.rangeUnderflow || v.rangeOverflow || v.stepMismatch || v.badInput) {
    return `${label} must be a whole number from ${control.getAttribute('min')} to ${control.getAttribute('max')}.`;
  }
  if (v.tooShort) return `${label} must be at least ${control.getAttribute('minlength')} characters.`;
  if (v.tooLong) return `${label} can be at most ${control.getAttribute('maxlength')} characters.`;
  if (v.typeMismatch && control.type === 'url') return `${label} must be a web address, such as https://bank.example/keys.`;
  if (v.typeMismatch && control.type === 'email') return `${label} must be an e-mail address, such as sam@bank.example.`;
  return control.dataset.hint ?? `${label} is not in the expected form.`;
}

/** Checks every control of the form and writes each problem beside its field; the first wrong one gets the focus. */
export function validate(form: HTMLFormElement): boolean {
  let first: Control | null = null;
  for (const control of form.querySelectorAll<Control>('input, select, textarea')) {
    const message = problem(control);
    const error = document.getElementById(`${control.id}-error`);
    if (error) error.textContent = message ?? '';
    if (message) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
    first ??= message ? control : null;
  }
  first?.focus();
  return first === null;
}

/** A form checked by {@link validate} before its handler sees the values. */
export function checkedForm(form: HTMLFormElement, handler: () => Promise<void> | void, before?: () => void): HTMLFormElement {
  form.noValidate = true;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    before?.();
    if (validate(form)) void handler();
  });
  return form;
}

/**
 * Asks before something is destroyed. The dialog names the object and says what follows; Cancel has the
 * focus, and Escape cancels.
 */
export function confirmDanger(question: string, consequence: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const yes = h('button', { type: 'button', class: 'danger' }, confirmLabel);
    const no = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    const dialog = h('dialog', { 'aria-labelledby': 'confirm-question', 'aria-describedby': 'confirm-consequence' },
      h('h2', { id: 'confirm-question' }, question),
      h('p', { id: 'confirm-consequence' }, consequence),
      h('div', { class: 'actions' }, no, yes));
    const answer = (confirmed: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(confirmed);
    };
    yes.addEventListener('click', () => answer(true));
    no.addEventListener('click', () => answer(false));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      answer(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}

/** Copies a one-time secret; where the clipboard is refused, the text is selected for the person to copy. */
export function copyButton(source: HTMLElement, label: string): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'secondary', 'aria-label': label }, 'Copy');
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(source.textContent ?? '');
      button.textContent = 'Copied';
    } catch {
      getSelection()?.selectAllChildren(source);
      button.textContent = 'Selected: press Ctrl+C';
    }
  });
  return button;
}
