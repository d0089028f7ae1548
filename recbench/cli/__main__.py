from recbench.cli import main

main()
