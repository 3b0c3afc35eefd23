using Jasmine.Bots.Places;

namespace Jasmine.Bots.Tests.Places;

public sealed class OpeningHoursTests
{
    // 2026-03-09 is a Monday.
    private static DateTime At(int day, int hour, int minute = 0) => new(2026, 3, 9 + day, hour, minute, 0);

    [Fact]
    public void Weekday_and_saturday_hours_are_open_and_closed_at_the_right_times()
    {
        var hours = OpeningHours.Parse("Mo-Fr 09:00-17:00; Sa 10:00-13:00");

        Assert.True(hours.IsOpen(At(0, 9)));
        Assert.True(hours.IsOpen(At(4, 16, 59)));
        Assert.False(hours.IsOpen(At(4, 17)));
        Assert.True(hours.IsOpen(At(5, 12)));
        Assert.False(hours.IsOpen(At(6, 12)));
        Assert.Equal(At(7, 9), hours.NextOpening(At(5, 14)));   // Saturday afternoon -> Monday 9:00
        Assert.Equal(At(2, 9), hours.NextOpening(At(1, 20, 30))); // Tuesday evening -> Wednesday 9:00
        Assert.Equal(At(1, 10), hours.NextOpening(At(1, 10)));  // open now -> now
    }

    [Fact]
    public void Always_open_is_always_open()
    {
        var hours = OpeningHours.Parse("24/7");

        Assert.True(hours.IsAlwaysOpen);
        Assert.True(hours.IsOpen(At(6, 3, 17)));
    }

    [Fact]
    public void Night_hours_run_past_midnight_and_sunday_night_wraps_to_monday()
    {
        var hours = OpeningHours.Parse("Fr,Sa 22:00-04:00; Su 21:00-02:00");

        Assert.True(hours.IsOpen(At(5, 3)));    // Saturday 3:00, from Friday night
        Assert.True(hours.IsOpen(At(7, 1)));    // Monday 1:00, from Sunday night
        Assert.False(hours.IsOpen(At(7, 2)));
        Assert.False(hours.IsOpen(At(4, 21)));
    }

    [Fact]
    public void Split_hours_and_a_later_rule_replacing_a_day()
    {
        var hours = OpeningHours.Parse("Mo-Fr 09:00-12:30,14:00-18:00; We off");

        Assert.False(hours.IsOpen(At(0, 13)));
        Assert.True(hours.IsOpen(At(0, 14)));
        Assert.False(hours.IsOpen(At(2, 10)));
        Assert.Equal(At(3, 9), hours.NextOpening(At(1, 18)));
    }

    [Fact]
    public void Times_without_days_apply_every_day()
    {
        Assert.True(OpeningHours.Parse("08:00-02:00").IsOpen(At(6, 1)));
    }

    [Fact]
    public void Unknown_or_never_open_hours_have_no_next_opening()
    {
        Assert.Null(OpeningHours.Parse("").NextOpening(At(0, 9)));
        Assert.Null(OpeningHours.Parse("Mo-Su off").NextOpening(At(0, 9)));
        Assert.False(OpeningHours.Unknown.IsOpen(At(0, 9)));
    }

    [Theory]
    [InlineData("Mo-Fr 9h-17h")]
    [InlineData("PH off")]
    [InlineData("Jan-Mar 10:00-12:00")]
    [InlineData("Mo-Fr")]
    [InlineData("Mo 25:00-26:00")]
    public void Unsupported_syntax_is_rejected_not_misread(string text)
    {
        var error = Assert.Throws<FormatException>(() => OpeningHours.Parse(text));
        Assert.Contains(text, error.Message);
    }
}
