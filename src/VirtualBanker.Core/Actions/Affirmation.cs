using System.Text.RegularExpressions;

namespace VirtualBanker.Core.Actions;

/// <summary>
/// A short message that answers a yes/no offer: true for yes, false for no, null for anything else. Only a whole
/// message counts ("yes please", "no thanks"): "yes, but first tell me my balance" is a new question.
/// </summary>
public static partial class Affirmation
{
    public static bool? Read(string text)
    {
        var normalized = Punctuation().Replace(text.Trim().ToLowerInvariant(), "").Trim();
        return Yes().IsMatch(normalized) ? true : No().IsMatch(normalized) ? false : null;
    }

    [GeneratedRegex(@"^(yes|yeah|yep|yup|y|sure|ok|okay|confirm|confirmed|correct|go ahead|do it|please do|yes please|yes go ahead|yes do it|yes confirm|ok go ahead|sí|si|ja|oui|claro|vale|genau|por favor|sí por favor|ja bitte|oui merci)( please| thanks| thank you)?$")]
    private static partial Regex Yes();

    [GeneratedRegex(@"^(no|nope|nah|n|cancel|stop|don't|dont|do not|no thanks|no thank you|no cancel|no don't|never mind|nevermind|nein|non|no gracias|nein danke|non merci)( please| thanks| thank you)?$")]
    private static partial Regex No();

    [GeneratedRegex(@"[.!?,;:]+")]
    private static partial Regex Punctuation();
}
