// A real SMTP server (nodemailer's smtp-server) that keeps every mail it receives, for the e-mail verification tests.
// It listens on a free loopback port and prints {"port": <port>} on its first line, then one JSON line per mail received:
// {"from", "to": [...], "subject", "text"}, parsed by mailparser. No TLS, no authentication: it is a test sink on 127.0.0.1.
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

const server = new SMTPServer({
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((mail) => {
        process.stdout.write(JSON.stringify({
          from: mail.from?.text ?? '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: mail.subject ?? '',
          text: mail.text ?? '',
        }) + '\n');
        callback();
      })
      .catch(callback);
  },
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.server.address().port }) + '\n'));
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();
