import { ApiError } from './api';
import { announce, fields, h } from './dom';

export interface SignInOptions {
  title: string;
  /** The name the e-mail field is sent under (contract 001's form login calls it username). */
  emailField: 'email' | 'username';
  /** What to say for a 401: never which of e-mail or password was wrong. */
  refused: string;
  signIn: (values: Record<string, string>) => Promise<void>;
  message?: string;
}

/** The sign-in card every face starts with; focus lands on its first field. */
export function signInCard(options: SignInOptions): HTMLElement {
  const notice = h('div', { class: 'notice', role: 'alert' });
  const form = h('form', { class: 'stack', 'aria-labelledby': 'login-title' },
    h('label', {}, 'Email', h('input', { name: options.emailField, type: 'email', autocomplete: 'username', required: true })),
    h('label', {}, 'Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { type: 'submit' }, 'Sign in'), notice);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await options.signIn(fields(form));
    } catch (error) {
      announce(notice, error instanceof ApiError && error.status === 401 ? options.refused : (error as Error).message, 'error');
    }
  });
  if (options.message) announce(notice, options.message);
  queueMicrotask(() => form.querySelector('input')!.focus());
  return h('section', { class: 'card' }, h('h2', { id: 'login-title' }, options.title), form);
}
