using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Jasmine.Bots.Staff.Pages;

/// <summary>What every console page shares: who is acting, the audit log, and a one-line notice after a redirect.</summary>
public abstract class StaffPage : PageModel
{
    public string Who => User.Identity?.Name ?? "?";

    public bool IsIn(StaffRole role) => User.IsInRole(role.ToString());
    public bool Moderates => IsIn(StaffRole.Moderator) || IsIn(StaffRole.Admin);
    public bool FollowsUp => IsIn(StaffRole.FollowUp) || IsIn(StaffRole.Admin);
    public bool IsAdmin => IsIn(StaffRole.Admin);

    /// <summary>A UI text key (never data) shown once on the next page.</summary>
    [TempData] public string? Notice { get; set; }

    protected AuditLog Audit => HttpContext.RequestServices.GetRequiredService<AuditLog>();

    protected void Record(string action, string? objectRef = null) => Audit.Write(Who, action, objectRef);

    protected IActionResult Done(string notice, string action, string? objectRef, string? page = null, object? routeValues = null)
    {
        Record(action, objectRef);
        Notice = notice;
        return page is null ? RedirectToPage(routeValues) : RedirectToPage(page, routeValues);
    }
}
