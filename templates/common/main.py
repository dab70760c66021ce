def main(argv=None):
    args = parse_args(argv)
    try:
        if args.metrics_out:
            check_writable(args.metrics_out)
        return run(args)
    except DataError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
