using Jasmine.Bots.Benchmarks;

switch (args.FirstOrDefault())
{
    case "telegram-load":
        await TelegramLoadBenchmark.RunAsync(args[1..]);
        break;
    default:
        Console.WriteLine("benchmarks: telegram-load [--rate N] [--seconds N] [--members N]");
        break;
}
