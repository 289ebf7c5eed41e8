from chainwatch.cli import main

main()
