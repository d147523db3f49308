#ifndef CERTLINT_CLIBYAML_SHIM_H
#define CERTLINT_CLIBYAML_SHIM_H
#include <yaml.h>
#endif
