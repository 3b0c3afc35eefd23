namespace Jasmine.Bots.Members;

/// <summary>Addresses as URNs (tel:+336…, telegram:123, signal:+336…, try:abc), as RapidPro does.</summary>
public static class Urns
{
    public static string Telegram(long chatId) => "telegram:" + chatId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public static string Sms(string e164) => "tel:" + e164;
    public static string Signal(string e164) => "signal:" + e164;
    public static string Try(string id) => "try:" + id;

    public static string Scheme(string urn) => urn[..Math.Max(0, urn.IndexOf(':'))];
    public static string Path(string urn) => urn[(urn.IndexOf(':') + 1)..];
}
