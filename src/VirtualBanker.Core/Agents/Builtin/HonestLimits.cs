using System.Text.RegularExpressions;

namespace VirtualBanker.Core.Agents.Builtin;

/// <summary>
/// What the builtin assistant will not do, said plainly: probes for its instructions or for other people's data get a
/// short refusal (no tool runs, no ticket opens), and a message in another language gets an answer in that language.
/// </summary>
public static partial class HonestLimits
{
    public const string ProbeRefusal =
        "I can't share that. I only discuss your own accounts and the bank's services, and my instructions stay private. What can I help you with?";

    public static bool IsProbe(string text) => Probe().IsMatch(text);

    /// <summary>es, de or fr when the message is written in that language (more of its common words than English ones), else null.</summary>
    public static string? Language(string text)
    {
        var words = Word().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToList();
        if (words.Count == 0)
        {
            return null;
        }

        var english = words.Count(English.Contains);
        var (language, hits) = Foreign.Select(f => (f.Key, Hits: words.Count(f.Value.Contains) + (f.Key == "es" && text.IndexOfAny(['¿', '¡', 'ñ']) >= 0 ? 2 : 0)
                + (f.Key == "de" && text.IndexOfAny(['ß', 'ä', 'ö', 'ü']) >= 0 ? 1 : 0)))
            .MaxBy(f => f.Hits);
        return hits >= 2 && hits > english ? language : null;
    }

    /// <summary>The languages answered in kind.</summary>
    public static IEnumerable<string> Languages => Foreign.Keys;

    /// <summary>What the assistant can do and the offer of a colleague, in the customer's language.</summary>
    public static string Unsupported(string language) => language switch
    {
        "es" => "Lo siento, por ahora solo puedo responder en inglés. En inglés puedo consultar tus saldos y movimientos, resumir tus gastos, revisar alertas de fraude, congelar una tarjeta o hacer una transferencia. ¿Quieres que un compañero del banco te atienda en español? Responde «sí».",
        "de" => "Entschuldigung, ich kann bisher nur auf Englisch antworten. Auf Englisch zeige ich Kontostände und Umsätze, fasse Ausgaben zusammen, prüfe Betrugswarnungen, sperre eine Karte oder mache eine Überweisung. Soll Sie ein Kollege der Bank auf Deutsch betreuen? Antworten Sie mit „ja“.",
        _ => "Désolé, pour l'instant je ne réponds qu'en anglais. En anglais, je consulte vos soldes et opérations, résume vos dépenses, vérifie les alertes de fraude, bloque une carte ou fais un virement. Voulez-vous qu'un conseiller vous réponde en français ? Répondez « oui ».",
    };

    /// <summary>The ticket for a colleague who speaks the language, announced in it.</summary>
    public static string HandedOff(string language, string reference) => language switch
    {
        "es" => $"He abierto la solicitud {reference}: un compañero que habla español te contactará pronto.",
        "de" => $"Ich habe die Anfrage {reference} eröffnet: Ein deutschsprachiger Kollege meldet sich bald bei Ihnen.",
        _ => $"J'ai ouvert la demande {reference} : un conseiller francophone vous contactera bientôt.",
    };

    public static string LanguageName(string language) => language switch { "es" => "Spanish", "de" => "German", _ => "French" };

    private static readonly HashSet<string> English = new(StringComparer.Ordinal)
    {
        "the", "my", "is", "what", "how", "i", "you", "to", "and", "of", "a", "can", "do", "me", "much", "have", "please", "card", "money", "account",
        "balance", "did", "spend", "in", "on", "for", "it", "this", "that", "was", "are",
    };

    private static readonly Dictionary<string, HashSet<string>> Foreign = new(StringComparer.Ordinal)
    {
        ["es"] = ["que", "qué", "mi", "mis", "el", "los", "las", "del", "cuánto", "cuanto", "cuánta", "tengo", "saldo", "cuenta", "tarjeta", "hola", "por", "favor",
            "quiero", "puedo", "gracias", "está", "cómo", "dinero", "ayuda", "necesito", "una", "con", "para", "gasté", "gastado", "dónde", "bloquear", "perdí", "buenos", "días"],
        ["de"] = ["ich", "mein", "meine", "meinen", "mir", "wie", "viel", "habe", "ist", "das", "der", "und", "nicht", "kann", "bitte", "hallo", "guten", "konto",
            "karte", "geld", "wo", "warum", "mit", "für", "eine", "kontostand", "danke", "sperren", "ausgegeben", "verloren", "hilfe", "möchte", "überweisen"],
        ["fr"] = ["je", "mon", "ma", "mes", "est", "les", "du", "combien", "compte", "carte", "bonjour", "merci", "pourquoi", "comment", "avec", "pour", "une",
            "argent", "solde", "vous", "plaît", "ai", "dépensé", "perdu", "bloquer", "aide", "veux", "voudrais"],
    };

    [GeneratedRegex(@"\b(?:system\s+prompt|your\s+(?:prompt|instructions|rules|guidelines|configuration)|initial\s+prompt|hidden\s+(?:prompt|instructions|rules)|ignore\s+(?:all\s+|any\s+|the\s+|your\s+)?(?:previous|prior|above|earlier)\s+(?:instructions|rules|prompts?)|developer\s+mode|jailbreak|DAN\b|pretend\s+(?:to\s+be|you\s+are)|you\s+are\s+now\s+(?:a|an|in)\b|(?:another|other|someone\s+else'?s?|a\s+different)\s+(?:customer|user|client|person)'?s?(?:'s)?(?:\s+\w+)?\s*(?:account|balance|data|transactions|details|card)|(?:all|every)\s+(?:customers|users|clients)|(?:customer|user)\s+(?:id\s+)?\d{3,}|dump\s+(?:the\s+)?database|api\s+keys?|admin\s+password|(?:balance|account|transactions)\s+of\s+(?:user|customer|client|mr|mrs|ms)\b)", RegexOptions.IgnoreCase)]
    private static partial Regex Probe();

    [GeneratedRegex(@"[\p{L}']+")]
    private static partial Regex Word();
}
