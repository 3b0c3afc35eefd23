using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Hangfire;
using Hangfire.Dashboard;
using Jasmine.Bots.Admin;
using Jasmine.Bots.Conversations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace Jasmine.Bots.Staff;

public static class StaffAuth
{
    /// <summary>Fully signed in (password and authenticator code).</summary>
    public const string Scheme = "staff";
    /// <summary>Password accepted, code (or first-time set-up) still to come: opens only the next login steps.</summary>
    public const string PendingScheme = "staff.pending";
    public const string StampClaim = "jasmine.stamp";

    public const string AnyStaff = "staff";
    public const string Moderation = "moderation";
    public const string FollowUp = "followup";
    public const string Admin = "admin";
    public const string Pending = "pending";

    /// <summary>Changes with the password, the role, the authenticator and the session stamp: logout or a reset signs every session out.</summary>
    public static string Stamp(StaffAccount account) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(account.PasswordHash + "|" + account.Role + "|" + Storage.StaffAccountStore.EnrolmentMark(account) + "|" + account.SessionStamp)))[..16];

    public static ClaimsPrincipal Principal(StaffAccount account) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, account.Id), new Claim(ClaimTypes.Role, account.Role.ToString()), new Claim(StampClaim, Stamp(account))], Scheme));

    /// <summary>Only the session stamp: the password and authenticator change during these steps, a logout or reset still ends them.</summary>
    public static ClaimsPrincipal PendingPrincipal(StaffAccount account) => new(new ClaimsIdentity([new Claim(ClaimTypes.Name, account.Id), new Claim(StampClaim, account.SessionStamp)], PendingScheme));
}

public static class StaffConsoleExtensions
{
    public static IHostApplicationBuilder AddStaffConsole(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<StaffAccounts>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<Moderation>();
        services.AddSingleton<MemberAdmin>();
        services.AddSingleton<Statistics>();
        services.AddSingleton<IAdminCommand, StaffCommand>();
        services.AddSingleton(sp => new StaffUiTexts(ConversationExtensions.ContentDirectory(sp, "locales", o => o.Conversations.LocalesDirectory)));
        services.AddHttpContextAccessor();
        services.AddScoped<StaffUi>();

        services.AddAuthentication(StaffAuth.Scheme)
            .AddCookie(StaffAuth.Scheme, o =>
            {
                o.Cookie.Name = "jasmine.staff";
                o.Cookie.Path = "/staff";
                Harden(o.Cookie);
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.LoginPath = "/staff/login";
                o.LogoutPath = "/staff/logout";
                o.AccessDeniedPath = "/staff/denied";
                o.Events.OnValidatePrincipal = context => ValidateAsync(context, StaffAuth.Scheme);
            })
            .AddCookie(StaffAuth.PendingScheme, o =>
            {
                o.Cookie.Name = "jasmine.staff.pending";
                o.Cookie.Path = "/staff/login";
                Harden(o.Cookie);
                o.ExpireTimeSpan = TimeSpan.FromMinutes(10);
                o.SlidingExpiration = false;
                o.LoginPath = "/staff/login";
                o.Events.OnValidatePrincipal = context => ValidateAsync(context, StaffAuth.PendingScheme);
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(StaffAuth.AnyStaff, p => p.AddAuthenticationSchemes(StaffAuth.Scheme).RequireAuthenticatedUser())
            .AddPolicy(StaffAuth.Moderation, p => p.AddAuthenticationSchemes(StaffAuth.Scheme).RequireRole(nameof(StaffRole.Moderator), nameof(StaffRole.Admin)))
            .AddPolicy(StaffAuth.FollowUp, p => p.AddAuthenticationSchemes(StaffAuth.Scheme).RequireRole(nameof(StaffRole.FollowUp), nameof(StaffRole.Admin)))
            .AddPolicy(StaffAuth.Admin, p => p.AddAuthenticationSchemes(StaffAuth.Scheme).RequireRole(nameof(StaffRole.Admin)))
            .AddPolicy(StaffAuth.Pending, p => p.AddAuthenticationSchemes(StaffAuth.PendingScheme).RequireAuthenticatedUser());
        services.Configure<Microsoft.AspNetCore.Mvc.CookieTempDataProviderOptions>(o =>
        {
            o.Cookie.Path = "/staff";
            Harden(o.Cookie);
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "jasmine.staff.af";
            o.Cookie.Path = "/staff";
            Harden(o.Cookie);
        });

        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Staff/Pages";
            o.Conventions.Add(new StaffRoutes());
            o.Conventions.AuthorizePage("/Index", StaffAuth.AnyStaff);
            o.Conventions.AuthorizeFolder("/Stats", StaffAuth.AnyStaff);
            o.Conventions.AuthorizeFolder("/Review", StaffAuth.Moderation);
            o.Conventions.AuthorizeFolder("/Profiles", StaffAuth.Moderation);
            o.Conventions.AuthorizeFolder("/Services", StaffAuth.Moderation);
            o.Conventions.AuthorizeFolder("/Cases", StaffAuth.FollowUp);
            o.Conventions.AuthorizeFolder("/Members", StaffAuth.Admin);
            o.Conventions.AuthorizeFolder("/Audit", StaffAuth.Admin);
            o.Conventions.AuthorizePage("/Account/Password", StaffAuth.Pending);
            o.Conventions.AuthorizePage("/Account/Enrol", StaffAuth.Pending);
            o.Conventions.AuthorizePage("/Account/Code", StaffAuth.Pending);
        });
        return builder;
    }

    /// <summary>Static assets, security headers, the pages and the Hangfire dashboard, all under /staff.</summary>
    public static WebApplication MapStaffConsole(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/staff"), staff =>
        {
            staff.Use(SecurityHeaders);
            staff.UseStaticFiles();
            // The dashboard is plain middleware, outside endpoint authorization: gate it here, then its filter checks again.
            staff.UseWhen(c => c.Request.Path.StartsWithSegments("/staff/jobs"), jobs => jobs.Use(async (context, next) =>
            {
                var result = await context.AuthenticateAsync(StaffAuth.Scheme);
                if (!result.Succeeded) { await context.ChallengeAsync(StaffAuth.Scheme); return; }
                context.User = result.Principal;
                if (!context.User.IsInRole(nameof(StaffRole.Admin))) { await context.ForbidAsync(StaffAuth.Scheme); return; }
                await next();
            }));
            // Built on first use: the DI-owned JobStorage is resolved once the host runs, not while Program is still wiring it.
            var dashboard = new Lazy<RequestDelegate>(() =>
            {
                var branch = staff.New();
                branch.UseHangfireDashboard("/staff/jobs", new DashboardOptions
                {
                    Authorization = [new AdminOnlyDashboard()],
                    AppPath = "/staff",
                    DashboardTitle = "Jasmine jobs",
                    DisplayStorageConnectionString = false,
                }, storage: branch.ApplicationServices.GetRequiredService<JobStorage>());
                branch.Run(context => { context.Response.StatusCode = StatusCodes.Status404NotFound; return Task.CompletedTask; });
                return branch.Build();
            });
            staff.UseWhen(c => c.Request.Path.StartsWithSegments("/staff/jobs"), jobs => jobs.Run(context => dashboard.Value(context)));
        });
        app.MapRazorPages();
        app.MapGet("/staff/lang/{language}", (string language, string? back, HttpContext http) =>
        {
            if (StaffUiTexts.Languages.Contains(language))
                http.Response.Cookies.Append(StaffUi.Cookie, language, new CookieOptions
                {
                    Path = "/staff", HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Strict, MaxAge = TimeSpan.FromDays(365),
                });
            // Only back into the console: never an open redirect.
            return Results.LocalRedirect(back is { Length: > 0 } b && b.StartsWith("/staff", StringComparison.Ordinal) && !b.StartsWith("//", StringComparison.Ordinal) ? b : "/staff");
        });
        return app;
    }

    private static void Harden(CookieBuilder cookie)
    {
        cookie.HttpOnly = true;
        cookie.SameSite = SameSiteMode.Strict;
        cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.IsEssential = true;
    }

    /// <summary>
    /// Every request re-reads the account: a session whose stamp is not the account's current one (logout elsewhere,
    /// reset, new password) ends. Failed sign-in attempts by someone else never end an open session.
    /// </summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context, string scheme)
    {
        var accounts = context.HttpContext.RequestServices.GetRequiredService<StaffAccounts>();
        var account = context.Principal?.Identity?.Name is { } login ? accounts.Find(login) : null;
        var expected = account is null ? null : scheme == StaffAuth.PendingScheme ? account.SessionStamp : StaffAuth.Stamp(account);
        if (account is null || context.Principal!.FindFirst(StaffAuth.StampClaim)?.Value != expected)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(scheme);
        }
    }

    private static Task SecurityHeaders(HttpContext context, Func<Task> next)
    {
        var isDashboard = context.Request.Path.StartsWithSegments("/staff/jobs");
        context.Response.OnStarting(() =>
        {
            var h = context.Response.Headers;
            // Hangfire's dashboard ships inline scripts and styles; the console's own pages have none.
            h.ContentSecurityPolicy = isDashboard
                ? "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
                : "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "no-referrer";
            h.XContentTypeOptions = "nosniff";
            if (!context.Request.Path.StartsWithSegments("/staff/vendor") && !context.Request.Path.StartsWithSegments("/staff/assets")) h.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        return next();
    }

    /// <summary>Every page of Staff/Pages answers under /staff (Review/Index → /staff/review).</summary>
    private sealed class StaffRoutes : IPageRouteModelConvention
    {
        public void Apply(PageRouteModel model)
        {
            foreach (var selector in model.Selectors)
            {
                var template = (selector.AttributeRouteModel?.Template ?? "").TrimStart('/').ToLowerInvariant();
                // Pages with a route of their own (/staff/login) already say where they live.
                if (template != "staff" && !template.StartsWith("staff/", StringComparison.Ordinal)) template = AttributeRouteModel.CombineTemplates("staff", template)!;
                selector.AttributeRouteModel = new AttributeRouteModel { Template = template };
            }
        }
    }

    private sealed class AdminOnlyDashboard : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(nameof(StaffRole.Admin));
    }
}
