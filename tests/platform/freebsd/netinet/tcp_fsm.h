// Declarations for `make platform-check` only: FreeBSD's TCP states.
#pragma once
#define TCPS_LISTEN 1
