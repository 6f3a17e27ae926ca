App({
  onLaunch() {
    // Pages log in on demand (lib/api: re-login on 401); nothing to do before the first page.
  },
});
