// "dotnet run -c Release -- services": one benchmark per argument.
if (args is ["services"]) Jasmine.Bots.Benchmarks.NearestServiceBenchmark.Run();
else Console.WriteLine("benchmarks: services");
