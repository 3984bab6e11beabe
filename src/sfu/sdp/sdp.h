// Umbrella header for the SFU's SDP support: data model, parser, writer and lookups.
#pragma once

#include "sfu/sdp/attributes.h"
#include "sfu/sdp/candidate.h"
#include "sfu/sdp/codec_match.h"
#include "sfu/sdp/parser.h"
#include "sfu/sdp/queries.h"
#include "sfu/sdp/session_description.h"
#include "sfu/sdp/writer.h"
