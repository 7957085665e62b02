# Feature flags: one per feature area. Base tables are always deployed.
# Each flag turns on the tables defined in deploy/tables/<feature>.json.
# Turning a flag off DELETES that feature's tables and their data.

variable "deploy_project_management" {
  description = "Phase 1: projects, workspaces and their memberships."
  type        = bool
  default     = false
}

variable "deploy_agent_builder" {
  description = "Phase 2: agents, versions, flows, templates, prompts library."
  type        = bool
  default     = false
}

variable "deploy_ai_lab" {
  description = "Phase 3: model registry, datasets, experiments, runs, metrics."
  type        = bool
  default     = false
}

variable "deploy_community" {
  description = "Phase 4: posts, comments, reactions, groups."
  type        = bool
  default     = false
}

variable "deploy_education" {
  description = "Phase 5: courses, lessons, enrollments, progress, quizzes."
  type        = bool
  default     = false
}

variable "deploy_analytics" {
  description = "Phase 6: activity feed and aggregated analytics."
  type        = bool
  default     = false
}

variable "deploy_rbac_notifications" {
  description = "Phase 7: role permissions and notifications."
  type        = bool
  default     = false
}

locals {
  # Feature order matches adapters/dynamodb/catalog.py (base first).
  feature_flags = {
    base               = true
    project_management = var.deploy_project_management
    agent_builder      = var.deploy_agent_builder
    ai_lab             = var.deploy_ai_lab
    community          = var.deploy_community
    education          = var.deploy_education
    analytics          = var.deploy_analytics
    rbac_notifications = var.deploy_rbac_notifications
  }
  feature_order = [
    "base",
    "project_management",
    "agent_builder",
    "ai_lab",
    "community",
    "education",
    "analytics",
    "rbac_notifications",
  ]

  deployed_features = [for f in local.feature_order : f if local.feature_flags[f]]
}
