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
    replace(root, h('div', { class: 'grid' },
      h('section', { class: 'card' }, h('h2', {}, `Welcome back, ${me.name}`),
        h('p', {}, 'Your statements, payments and cards are a click away. Questions about your money? Ask our virtual banker with "Chat with us".')),
      h('section', { class: 'card' }, h('h2', {}, 'Help and contact'),
        h('ul', {}, h('li', {}, 'Lost or stolen card: freeze it in the assistant, or call us any time.'),
          h('li', {}, 'Branches are open Monday to Friday, 9:00 to 17:00.'),
          h('li', {}, h('a', { href: '/demo/privacy.html' }, 'Privacy notice for the virtual banker'))))));
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
