using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;

namespace VirtualBanker.Core.Identity;

public sealed class MailOptions
{
    public const string Section = "Mail";

    /// <summary>The SMTP server. Without one no mail is sent (and e-mail addresses stay unverified).</summary>
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    /// <summary><c>auto</c> (TLS when the server offers it), <c>starttls</c> (required), <c>ssl</c> (implicit TLS) or <c>none</c>.</summary>
    [RegularExpression("^(auto|starttls|ssl|none)$")]
    public string Security { get; set; } = "auto";

    public string? UserName { get; set; }
    public string? Password { get; set; }

    [Required]
    public string From { get; set; } = "VirtualBanker <no-reply@localhost>";

    /// <summary>
    /// The public address links in mails start with (<c>https://assistant.bank.example</c>). Configured, never taken from a request's
    /// Host header: a forged header would otherwise send the customer's token to another site.
    /// </summary>
    [Url]
    public string? LinkBaseUrl { get; set; }

    [Range(1, 168)]
    public int VerificationHours { get; set; } = 24;
}

/// <summary>
/// Mails go out from a queue, not from the request that asked for them: a slow or failing SMTP server never slows sign-up. Each mail
/// is one SMTP session through MailKit. A mail that fails is logged (its recipient, not its content: the content holds a token).
/// </summary>
public sealed partial class MailOutbox(IOptions<MailOptions> options, ILogger<MailOutbox> logger) : BackgroundService
{
    // Plain fields, not MimeKit's types: MimeKit and MailKit are loaded with the first mail, not by every server at start.
    private readonly Channel<(string To, string Subject, string Text)> _queue =
        Channel.CreateBounded<(string, string, string)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });

    public bool Enabled => !string.IsNullOrWhiteSpace(options.Value.Host);

    public void Send(string to, string subject, string text)
    {
        if (!_queue.Writer.TryWrite((to, subject, text)))
        {
            LogDropped(logger, to);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var mail in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await SendAsync(mail.To, mail.Subject, mail.Text, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, mail.To, e.GetType().Name);
            }
        }
    }

    private async Task SendAsync(string to, string subject, string text, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(o.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = text };
        using var smtp = new SmtpClient { Timeout = 30_000 };
        var security = o.Security switch
        {
            "starttls" => SecureSocketOptions.StartTls,
            "ssl" => SecureSocketOptions.SslOnConnect,
            "none" => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTlsWhenAvailable,
        };
        await smtp.ConnectAsync(o.Host!, o.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(o.UserName))
        {
            await smtp.AuthenticateAsync(o.UserName, o.Password ?? "", cancellationToken);
        }

        await smtp.SendAsync(message, cancellationToken);
        await smtp.DisconnectAsync(quit: true, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail to {To} not sent: {Failure}")]
    private static partial void LogFailed(ILogger logger, string to, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail to {To} dropped: the outbox is full")]
    private static partial void LogDropped(ILogger logger, string to);
}

/// <summary>
/// Proves that a person reads mail at their address: a single-use link with a random token (only its hash is stored), valid
/// <see cref="MailOptions.VerificationHours"/>. A new address gets a new link and is unverified until it is used. Only a verified
/// address may link a portal's customer to an account (<c>PortalSessionService</c>): otherwise whoever registers someone's address
/// first would receive that person's banking session.
/// </summary>
public sealed class EmailVerification(VirtualBankerDbContext db, MailOutbox outbox, IOptions<MailOptions> options, TimeProvider clock)
{
    public const string LinkPath = "/api/auth/verify-email";

    /// <summary>Sends (or sends again) the link to the user's current address, replacing any earlier link. Tracked changes are saved.</summary>
    public async Task SendAsync(User user, CancellationToken cancellationToken)
    {
        if (user.EmailVerifiedAt is not null || !outbox.Enabled)
        {
            return;
        }

        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        user.EmailVerificationHash = Hash(token);
        user.EmailVerificationExpiresAt = clock.GetUtcNow().UtcDateTime.AddHours(options.Value.VerificationHours);
        await db.SaveChangesAsync(cancellationToken);

        var link = $"{options.Value.LinkBaseUrl!.TrimEnd('/')}{LinkPath}?token={token}";
        outbox.Send(user.Email, "Confirm your e-mail address",
            $"Hello {user.Name},\n\nPlease confirm that this is your e-mail address by opening this link within {options.Value.VerificationHours} hours:\n\n{link}\n\n" +
            "If you did not sign up, you can ignore this mail.");
    }

    /// <summary>Uses a link's token: the address it was sent to is verified. A wrong, used or expired token is a 400.</summary>
    public async Task<User> VerifyAsync(string token, CancellationToken cancellationToken)
    {
        var invalid = new AppException(AppError.BadRequest("This link is not valid or has expired. Ask for a new one."));
        if (token.Length is < 20 or > 100)
        {
            throw invalid;
        }

        var hash = Hash(token);
        var now = clock.GetUtcNow().UtcDateTime;
        using var system = db.Tenant.BeginSystemScope();
        var user = await db.Users.FirstOrDefaultAsync(u => u.EmailVerificationHash == hash, cancellationToken);
        if (user is null || user.EmailVerificationExpiresAt <= now)
        {
            throw invalid;
        }

        user.EmailVerifiedAt = now;
        user.EmailVerificationHash = null;
        user.EmailVerificationExpiresAt = null;
        user.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
