// The demo bank's own page: its sign-in, kept in its own cookie by /demo/portal/*. The widget on this
// page asks that back end for an assertion, exactly as it would ask a real bank's.
import '../shared/style.css';
import { api } from '../shared/api';
import { h, replace } from '../shared/dom';
import { signInCard } from '../shared/login';

const root = document.getElementById('portal')!;
const who = document.getElementById('who')!;

void show();

async function show(): Promise<void> {
  try {
    const me = await api<{ name: string }>('/demo/portal/me');
    const logout = h('button', { type: 'button' }, 'Sign out');
    logout.addEventListener('click', async () => {
      await api('/demo/portal/logout', { method: 'POST' });
      location.reload();
    });
    replace(who, `Signed in as ${me.name} `, logout);
    replace(root, h('section', { class: 'card' }, h('h2', {}, `Welcome back, ${me.name}`),
      h('p', {}, 'Your statements, payments and cards would be here. Questions? Ask the assistant.')));
  } catch {
    replace(who);
    showLogin();
  }
}

function showLogin(): void {
  replace(root, signInCard({
    title: 'Sign in to online banking',
    emailField: 'email',
    refused: 'The email or password is not right.',
    signIn: async (values) => {
      await api('/demo/portal/login', { json: values });
      location.reload();
    },
  }));
}
