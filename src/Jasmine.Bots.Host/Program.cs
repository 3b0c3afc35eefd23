using Jasmine.Bots.Admin;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Channels.Signal;
using Jasmine.Bots.Channels.Sms;
using Jasmine.Bots.Channels.Telegram;
using Jasmine.Bots.Channels.Try;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Federation;
using Jasmine.Bots.FollowUp;
using Jasmine.Bots.Help;
using Jasmine.Bots.Jobs;
using Jasmine.Bots.Reports;
using Jasmine.Bots.Safety;
using Jasmine.Bots.Security;
using Jasmine.Bots.Staff;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Wipe;

// "dotnet run -- invite --role member" and friends: the same executable is the admin command line.
var isAdmin = AdminExtensions.IsAdminCommand(AdminExtensions.CommandArgs(args));
var builder = WebApplication.CreateBuilder(isAdmin ? AdminExtensions.HostArgs(args) : args);

builder.AddSecurity();
builder.AddJasmineStore();
builder.AddConversations();
builder.AddReports();
builder.AddHelp();
builder.AddOutbox();
builder.AddTryIt();
builder.AddTwilioSms();
builder.AddSignal();
builder.AddJobs();
builder.AddFollowUpAndAlerts();
builder.AddSafety();
builder.AddWipe();
builder.AddTelegram();
builder.AddAdmin();
builder.AddStaffConsole();
builder.AddFederation();
builder.AddStaffInsights();

if (isAdmin) return await builder.RunAdminAsync(AdminExtensions.CommandArgs(args));

var app = builder.Build();
app.UseSecurity();
app.MapHealth();
app.MapTryIt();
app.MapTwilioSms();
app.MapTelegram();
app.MapStaffConsole();
app.MapFederation();
await app.RunAsync();
return 0;

public partial class Program;
