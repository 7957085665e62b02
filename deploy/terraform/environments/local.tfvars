# Local endpoint (moto server / LocalStack). Pass the endpoint at apply time:
#   terraform apply -var-file=environments/local.tfvars -var local_endpoint=http://127.0.0.1:4566
environment              = "local"
aws_region               = "us-east-2"
cost_center              = "local-development"
point_in_time_recovery   = false
customer_managed_kms_key = false
deletion_protection      = false
create_app_policy        = false
content_lifecycle_rules  = false # moto cannot settle the provider's lifecycle waiter
local_endpoint           = "http://127.0.0.1:4566"

deploy_project_management = true
deploy_agent_builder      = true
deploy_ai_lab             = true
deploy_community          = true
deploy_education          = true
deploy_analytics          = true
deploy_rbac_notifications = true
