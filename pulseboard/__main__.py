from pulseboard.cli import main

raise SystemExit(main())
