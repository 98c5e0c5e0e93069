"""Connect's error envelope: ``{"code": int, "error": str, "payload": null}``.

Codes come from Connect's ``APIErrorCode`` table (code n is the n-th name).
Only the names the stand-in raises are listed; the unit tests check every
entry against the published table.
"""

CODES = {
    "InternalFailure": 1,
    "BadRequest": 2,
    "InvalidId": 3,
    "ObjectDoesNotExist": 4,
    "InvalidApplicationName": 5,
    "InadequatePassword": 6,
    "InvalidUserName": 7,
    "DuplicateUserName": 8,
    "InvalidUser": 9,
    "InvalidRange": 13,
    "InvalidGroupName": 14,
    "DuplicateGroupName": 15,
    "DuplicateGroupEntry": 16,
    "PermissionDenied": 22,
    "AuthRequired": 24,
    "InvalidParameter": 25,
    "DuplicateName": 26,
    "BundleMissing": 28,
    "InvalidFilter": 32,
    "InvalidManifest": 38,
    "InvalidCollaborator": 33,
    "InvalidCollaboratorOwner": 34,
    "UserLocked": 50,
    "VanityPathInUse": 51,
    "ProhibitedVanityPath": 52,
    "ImmutableFields": 53,
    "DeleteActiveBundle": 75,
    "NoLongTagName": 77,
    "NoEmptyTagName": 78,
    "NoDuplicateTagNames": 81,
    "InvalidAuthRole": 112,
    "BundleExtract": 135,
    "TaskDoesNotExist": 141,
    "AppIsNotGitManaged": 143,
    "NoBundleUploadForGitManagedApp": 144,
    "MinProcessesOverMaxProcesses": 114,
    "InvalidUserStatus": 115,
    "UnknownAccessType": 117,
    "PullOnPushAuth": 119,
    "PushOnPullAuth": 120,
    "InvalidJson": 121,
    "InvalidApplicationTitle": 122,
    "InvalidTempTicket": 127,
    "UserBlankEmail": 128,
    "InvalidTimeFormat": 136,
    "InvalidLoadFactor": 150,
    "InvalidTimeout": 151,
    "InvalidPrincipalType": 152,
    "InvalidGroup": 153,
    "DuplicateUserPermission": 154,
    "DuplicateGroupPermission": 155,
    "InvalidOwner": 156,
    "InvalidInclude": 161,
    "InactiveJob": 163,
    "InvalidAppMode": 148,
    "InvalidRuntimeLanguage": 179,
    "GitUnsupportedProtocol": 164,
    "DuplicateEnvironmentVariable": 149,
    "InvalidParentTag": 157,
    "InvalidTag": 158,
    "InvalidMinProcesses": 191,
    "InvalidMaxProcesses": 192,
    "EmptyEnvironmentVariableName": 266,
    # OAuth integrations (integrations.py) and execution environments (exec_environments.py)
    "InvalidEnvironmentTitle": 168,
    "InvalidEnvironmentDescription": 169,
    "InvalidEnvironmentClusterName": 170,
    "InvalidEnvironmentName": 171,
    "UnknownEnvironmentMatchingType": 172,
    "InvalidInstallationPath": 173,
    "InvalidInstallationVersion": 174,
    "DuplicateEnvironmentName": 175,
    "InvalidEnvironmentSupervisor": 177,
    "InvalidOAuthIntegrationGUID": 207,
    "InvalidOAuthIntegrations": 208,
    "InvalidOAuthAssociationAssignment": 209,
    "InvalidOAuthIntegrationName": 225,
    "InvalidOAuthIntegrationDescription": 226,
    "OAuthTemplateNotFound": 227,
    "OAuthTemplateConfig": 228,
    "OAuthTemplateProhibitedChange": 229,
    "OAuthServiceAccountTestInvalidAuthType": 240,
    "InvalidEnvironmentPermission": 246,
    "DuplicateEnvironmentPermission": 247,
    "InvalidOAuthIntegrationsDuplicates": 258,
    "InvalidUserGUID": 261,
    "InvalidGroupGUID": 262,
    "EnvironmentIsConfigManaged": 265,
    "RateLimitExceeded": 277,
}


class APIError(Exception):
    """Raised by handlers and the model; the HTTP layer turns it into a response."""

    def __init__(self, status, name, message):
        super().__init__(message)
        self.status = status
        self.name = name
        self.code = CODES[name]
        self.message = message

    def body(self):
        return {"code": self.code, "error": self.message, "payload": None}


def bad_request(name, message):
    return APIError(400, name, message)


def not_found(message="The requested object does not exist."):
    return APIError(404, "ObjectDoesNotExist", message)


def forbidden(message="You do not have permission to perform this operation."):
    return APIError(403, "PermissionDenied", message)
