Console.Error.WriteLine("Wegent.AppHost is not built yet: use scripts/run-dev.");
return 1;
