using Jasmine.Bots.Channels.Telegram;
using Jasmine.Bots.Conversations;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Tests.Telegram;

public sealed class TelegramRenderingTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("<b>&</b>", "&lt;b&gt;&amp;&lt;/b&gt;")]
    [InlineData("a < b > c & d", "a &lt; b &gt; c &amp; d")]
    public void Every_text_is_escaped_for_html(string text, string html) => Assert.Equal(html, TelegramRendering.Html(text));

    [Fact]
    public void Short_labels_sit_two_to_a_row_and_long_ones_one_to_a_row()
    {
        var shortOnes = TelegramRendering.Keyboard([new("Yes", "yes"), new("No", "no"), new("Menu", "menu")])!;
        Assert.Equal([2, 1], shortOnes.InlineKeyboard.Select(r => r.Count()));
        var longOnes = TelegramRendering.Keyboard([new("Yes, erase everything now", "yes"), new("No", "no")])!;
        Assert.Equal([1, 1], longOnes.InlineKeyboard.Select(r => r.Count()));
        Assert.Null(TelegramRendering.Keyboard([]));
    }

    [Fact]
    public void A_choice_value_over_64_bytes_is_sent_as_its_number()
    {
        var longValue = "id:Name:" + new string('é', 40);
        var keyboard = TelegramRendering.Keyboard([new("ok", "ok"), new("Long", longValue)])!;
        var data = keyboard.InlineKeyboard.SelectMany(r => r).Select(b => b.CallbackData).ToList();
        Assert.Equal(["ok", "2"], data);
        Assert.Equal("x", TelegramRendering.CallbackData("x", 1));
        Assert.Equal("3", TelegramRendering.CallbackData(new string('a', 65), 3));
    }

    [Fact]
    public void A_text_too_long_for_one_message_is_cut_at_line_breaks_and_never_inside_an_entity()
    {
        var lines = string.Join('\n', Enumerable.Range(0, 400).Select(i => $"line {i:000} &amp; more"));
        var parts = TelegramRendering.Split(lines, 1000);
        Assert.All(parts, p => Assert.True(p.Length <= 1000));
        Assert.Equal(lines.Replace("\n", ""), string.Concat(parts).Replace("\n", ""));
        var noBreaks = TelegramRendering.Split(new string('x', 997) + "&amp;" + new string('y', 100), 1000);
        Assert.EndsWith("x", noBreaks[0]);
        Assert.StartsWith("&amp;", noBreaks[1]);
    }

    [Theory]
    [InlineData("123456:ABC-def_ghi", null, true)]
    [InlineData("not-a-token", null, false)]
    [InlineData("123456:ABC", "has space", false)]
    [InlineData("123456:ABC", "ok_secret-1", true)]
    public void Options_are_checked_at_start(string token, string? secret, bool valid)
    {
        var result = new TelegramOptionsValidator().Validate(null, new TelegramOptions { BotToken = token, SecretToken = secret });
        Assert.Equal(valid, result.Succeeded);
        if (!valid) Assert.DoesNotContain(token, result.FailureMessage);
    }

    [Fact]
    public void Without_a_configured_secret_one_is_generated_once_into_a_private_file()
    {
        var dir = Path.Combine(Path.GetTempPath(), "jasmine-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var jasmine = Options.Create(new JasmineOptions { DataDirectory = dir });
            var telegram = Options.Create(new TelegramOptions { BotToken = "1:a" });
            var first = new TelegramSecret(telegram, jasmine).Value;
            var again = new TelegramSecret(telegram, jasmine).Value;
            Assert.Equal(first, again);
            Assert.True(TelegramSecret.IsValid(first));
            Assert.True(first.Length >= 40);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "telegram.secret")));
            var secret = new TelegramSecret(telegram, jasmine);
            Assert.True(secret.Matches(first));
            Assert.False(secret.Matches(first[..^1]));
            Assert.False(secret.Matches(null));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Group_messages_edited_messages_and_bots_are_not_inbound()
    {
        var group = System.Text.Json.JsonSerializer.Deserialize<global::Telegram.Bot.Types.Update>(Updates.GroupText(1, -5, 7, "hi").ToJsonString(), global::Telegram.Bot.JsonBotAPI.Options)!;
        Assert.Null(TelegramUpdateHandler.ToInbound(group.Message!));
        var contact = System.Text.Json.JsonSerializer.Deserialize<global::Telegram.Bot.Types.Update>(Updates.Contact(2, 9, "33612345678").ToJsonString(), global::Telegram.Bot.JsonBotAPI.Options)!;
        var inbound = TelegramUpdateHandler.ToInbound(contact.Message!)!.Value;
        Assert.Equal(9, inbound.ChatId);
        Assert.Equal(new Inbound("", ContactPhone: "33612345678"), inbound.Input);
        var location = System.Text.Json.JsonSerializer.Deserialize<global::Telegram.Bot.Types.Update>(Updates.Location(3, 9, 43.3, 5.4).ToJsonString(), global::Telegram.Bot.JsonBotAPI.Options)!;
        Assert.Equal(new GeoPoint(43.3, 5.4), TelegramUpdateHandler.ToInbound(location.Message!)!.Value.Input.Location);
    }
}
