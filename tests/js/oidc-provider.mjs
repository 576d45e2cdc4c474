// A real OpenID Connect provider (panva/oidc-provider) for the workspace sign-in tests.
// The .NET fixture starts it with one JSON argument:
//   { "client": { "client_id", "client_secret", "redirect_uris": [...], "post_logout_redirect_uris": [...] },
//     "accounts": { "<login>": { "email", "email_verified", "name", "given_name", "family_name", "groups", "roles" } } }
// It listens on a free loopback port and prints {"issuer": "http://127.0.0.1:<port>"} on its first line.
// Sign-in and consent use the provider's own development pages (any password; the login names the account).
// Test-only control: PUT /__test/accounts/<login> with a JSON body replaces that account's claims,
// so a test can change a user's groups in the directory between two sign-ins.
// A minimal SCIM 2.0 user PATCH (RFC 7644 §3.5.2, replace of name.givenName, name.familyName, emails)
// at /scim/v2/Users/<login>, with the bearer token config.scim_token, writes into the same claims.
import http from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(process.argv[2] ?? '{}');
const accounts = config.accounts ?? {};

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
      ...config.client,
    }],
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
      groups: ['groups', 'roles'],
    },
    // Scope-requested claims go in the ID token too, as Zitadel and Keycloak do by default.
    conformIdTokenClaims: false,
    findAccount: (ctx, id) => (accounts[id]
      ? { accountId: id, claims: () => ({ sub: id, ...accounts[id] }) }
      : undefined),
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    pkce: { required: () => true },
    cookies: { keys: ['oidc-test-provider-cookie-key'] },
  });

  const callback = provider.callback();
  server.on('request', (req, res) => {
    const match = /^\/__test\/accounts\/([^/]+)$/.exec(req.url ?? '');
    if (req.method === 'PUT' && match) {
      let body = '';
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', () => {
        accounts[decodeURIComponent(match[1])] = JSON.parse(body);
        res.writeHead(204).end();
      });
      return;
    }
    const scim = /^\/scim\/v2\/Users\/([^/]+)$/.exec(req.url ?? '');
    if (req.method === 'PATCH' && scim) {
      let body = '';
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', () => patchUser(decodeURIComponent(scim[1]), req.headers.authorization, body, res));
      return;
    }
    callback(req, res);
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

function patchUser(login, authorization, body, res) {
  const account = accounts[login];
  if (!config.scim_token || authorization !== `Bearer ${config.scim_token}`) {
    res.writeHead(401).end();
    return;
  }
  if (!account) {
    res.writeHead(404).end();
    return;
  }
  const claims = { 'name.givenName': 'given_name', 'name.familyName': 'family_name' };
  for (const op of JSON.parse(body).Operations ?? []) {
    if (op.op !== 'replace') {
      res.writeHead(400).end();
      return;
    }
    if (op.path === 'emails') {
      account.email = op.value[0].value;
    } else if (claims[op.path]) {
      account[claims[op.path]] = op.value;
    }
  }
  res.writeHead(200, { 'content-type': 'application/scim+json' }).end(JSON.stringify({ id: login }));
}

// The fixture closes stdin when the tests end; never outlive it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
