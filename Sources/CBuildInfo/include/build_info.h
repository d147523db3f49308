#ifndef CERTLINT_BUILD_INFO_H
#define CERTLINT_BUILD_INFO_H

/* The Git commit the binary was built from (Scripts/package.sh sets CERTLINT_COMMIT), or "" for a
   build that did not record one. */
const char *certlint_build_commit(void);

/* Where the release's docs/rules/ pages are published, ending in "/" (Scripts/package.sh sets
   CERTLINT_RULES_URL), or "" when the build did not record one. */
const char *certlint_rules_url(void);

#endif
