using Jasmine.Bots.Benchmarks;

// dotnet run -c Release --project benchmarks/Jasmine.Bots.Benchmarks -- <name> [options]
switch (args.FirstOrDefault())
{
    case "telegram-load":
        await TelegramLoadBenchmark.RunAsync(args[1..]);
        break;
    case "screening":
        await ScreeningBenchmark.RunAsync(args[1..]);
        break;
    case "screening-run":
        await ScreeningBenchmark.MeasureAsync(args[1..]);
        break;
    case "fanout":
        await FanoutBenchmark.RunAsync(args[1..]);
        break;
    case "federation":
        await FederationBenchmark.RunAsync(args[1..]);
        break;
    case "soak":
        await SoakBenchmark.RunAsync(args[1..]);
        break;
    case "services":
        NearestServiceBenchmark.Run();
        break;
    default:
        Console.WriteLine("benchmarks: telegram-load [--rate N] [--seconds N] [--members N] [--durable true|false] [--bare] | screening [--identifiers N] [--lookups N] | fanout [--members N] [--rate N] [--sms N] | services | federation [--lookups N] [--dangerous N] | soak [--minutes N] [--rate N | --idle]");
        break;
}
